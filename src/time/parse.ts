/** Request times (`call_time` filter values) → UTC epoch seconds. */
import { daysInMonth, localSecondsOf } from './civil.js';
import type { DateOrder } from './format.js';
import { localToUtc } from './local-to-utc.js';
import { offsetAt } from './zone.js';

/** A `call_time` value that is not a time; the message says why and is safe to show to the client. */
export class InvalidTimeError extends Error {
  constructor(reason: string) {
    super(`not a time: ${reason}`);
    this.name = 'InvalidTimeError';
  }
}

const KAZOO = /^(\d{1,2}):(\d{2}):(\d{2}) (\d{1,2})\/(\d{1,2})\/(\d{4})$/;
// ISO 8601 extended format: date, optional time (seconds and fraction optional), optional offset.
// 'T' or a space separates date and time (RFC 3339 allows the space); an offset needs a time.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})(?::(\d{2}))?)?)?$/;

function expected(order: DateOrder): string {
  const kazoo = order === 'mdy' ? "'HH:MM:SS MM/DD/YYYY' (month-first" : "'HH:MM:SS DD/MM/YYYY' (day-first";
  return `expected ${kazoo}, CALLSTATS_DATE_ORDER=${order}) or ISO 8601 ('YYYY-MM-DDTHH:MM:SS[±HH:MM]')`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * :TRICKY: '10/01/2026' is 10 January day-first and 1 October month-first; both are valid, so it is
 * read per CALLSTATS_DATE_ORDER without a word. Only when the reading fails can we tell the user
 * which setting was applied, and when the other order would have been valid, the ISO spelling of it.
 */
function kazooDateHint(order: DateOrder, fields: [number, number, number, number, number, number]): string {
  const [year, month, day, hour, minute, second] = fields;
  const read = `dates are read ${order === 'mdy' ? 'month-first' : 'day-first'} (CALLSTATS_DATE_ORDER=${order})`;
  const [otherDay, otherMonth] = [month, day];
  const otherValid = year >= 1 && otherMonth >= 1 && otherMonth <= 12 && otherDay >= 1 && otherDay <= daysInMonth(year, otherMonth);
  if (!otherValid) return `${read}; write ISO YYYY-MM-DDTHH:MM:SS to leave no doubt`;
  const iso = `${String(year).padStart(4, '0')}-${pad(otherMonth)}-${pad(otherDay)}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
  return `${read}; for ${otherDay} ${MONTHS[otherMonth - 1]} ${year} write ISO ${iso}`;
}

/** Why a date is not one (year, month or day out of range), or undefined when it is a date. */
function dateProblem(year: number, month: number, day: number): string | undefined {
  if (year < 1) return `year ${year} is out of range 0001-9999`;
  if (month < 1 || month > 12) return `month ${month} is out of range 1-12`;
  const dim = daysInMonth(year, month);
  if (day < 1 || day > dim) return `day ${day} does not exist in ${pad(month)}/${year} (it has ${dim} days)`;
  return undefined;
}

function checkTime(hour: number, minute: number, second: number): void {
  if (hour > 23) throw new InvalidTimeError(`hour ${hour} is out of range 0-23`);
  if (minute > 59) throw new InvalidTimeError(`minute ${minute} is out of range 0-59`);
  // Leap seconds are not representable in epoch seconds (nor by the engines), so ':60' is rejected.
  if (second > 59) throw new InvalidTimeError(`second ${second} is out of range 0-59`);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Parses a request time to UTC epoch seconds. Accepts "HH:MM:SS DD/MM/YYYY" (MM/DD with order 'mdy')
 * and ISO 8601 "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM|±HHMM]"; a date alone is local midnight.
 * A value without an offset is wall time in `tz`, resolved by rules OVERLAP-EARLIER (a repeated time
 * is its earlier instant) and GAP-FORWARD (a skipped time moves forward by the gap) — see localToUtc.
 * Fractional seconds are truncated: "…:59.999" is second 59, so a bound never moves to the next second.
 */
export function parseCallTime(value: string, tz: string, order: DateOrder): number {
  offsetAt(tz, 0); // an unknown zone is reported as such, not as a bad time
  if (typeof value !== 'string') throw new InvalidTimeError(`${expected(order)}, got ${typeof value}`);
  const text = value.trim();
  const k = KAZOO.exec(text);
  if (k) {
    const [hour, minute, second, first, second2, year] = [+k[1], +k[2], +k[3], +k[4], +k[5], +k[6]];
    const [day, month] = order === 'mdy' ? [second2, first] : [first, second2];
    const problem = dateProblem(year, month, day);
    if (problem) throw new InvalidTimeError(`${problem} — ${kazooDateHint(order, [year, month, day, hour, minute, second])}`);
    checkTime(hour, minute, second);
    return localToUtc(localSecondsOf(year, month, day, hour, minute, second), tz);
  }
  const m = ISO.exec(text);
  if (!m) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new InvalidTimeError(`${expected(order)}, got '${shown}'`);
  }
  const [year, month, day] = [+m[1], +m[2], +m[3]];
  const [hour, minute, second] = [+(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)];
  const problem = dateProblem(year, month, day);
  if (problem) throw new InvalidTimeError(`${problem} (ISO 8601 is YYYY-MM-DD whatever CALLSTATS_DATE_ORDER says)`);
  checkTime(hour, minute, second);
  const local = localSecondsOf(year, month, day, hour, minute, second);
  if (m[8]) return local; // 'Z'
  if (m[9]) {
    const [oh, om, os] = [+m[10], +m[11], +(m[12] ?? 0)];
    if (oh > 23 || om > 59 || os > 59) throw new InvalidTimeError(`offset '${m[9]}${m[10]}:${m[11]}' is out of range`);
    const offset = (m[9] === '-' ? -1 : 1) * (oh * 3600 + om * 60 + os);
    return local - offset;
  }
  return localToUtc(local, tz);
}
