/**
 * Proleptic Gregorian calendar math on "local seconds": an integer count of seconds since
 * 1970-01-01T00:00:00 read as a wall clock with no zone. Pure arithmetic, no Date, no Intl.
 */

export const SECONDS_PER_DAY = 86400;

/** Wall-clock fields of a local-seconds value; weekday is ISO (1 = Monday … 7 = Sunday). */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** Floor division that is correct for negative numerators (JS `%` truncates toward zero). */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Non-negative remainder; `+ 0` turns a `-0` into `0` so strict equality tests hold. */
export function floorMod(a: number, b: number): number {
  return a - Math.floor(a / b) * b + 0;
}

/** Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = floorDiv(153 * mp + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468 + 0;
}

/** Civil date of a day count since 1970-01-01 (Howard Hinnant's civil_from_days). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const day = doy - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Local seconds of a wall-clock reading (fields are not range-checked here). */
export function localSecondsOf(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
}

/** Splits local seconds into wall-clock fields. 1970-01-01 was a Thursday (ISO weekday 4). */
export function localParts(localSeconds: number): LocalParts {
  const days = floorDiv(localSeconds, SECONDS_PER_DAY);
  const secs = localSeconds - days * SECONDS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: floorDiv(secs, 3600),
    minute: floorDiv(secs % 3600, 60),
    second: secs % 60,
    weekday: floorMod(days + 3, 7) + 1,
  };
}

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function pad4(n: number): string {
  return String(n).padStart(4, '0');
}
