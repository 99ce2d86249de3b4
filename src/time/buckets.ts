/**
 * Bucket floors on local seconds ("seconds since 1970-01-01T00:00 on the local wall clock"). This is
 * the same arithmetic the SQL dialects run after adding the offset segment to `call_time`.
 */
import { civilFromDays, daysFromCivil, floorDiv, floorMod, SECONDS_PER_DAY } from './civil.js';

export type Period = 'hourly' | 'daily' | 'weekly' | 'monthly';
export type WeekStart = 'monday' | 'sunday';

export const PERIODS: readonly Period[] = ['hourly', 'daily', 'weekly', 'monthly'];

/**
 * Local start of the bucket holding `localSeconds`: the hour, the day at 00:00, the week at Monday (or
 * Sunday) 00:00, the month's first day at 00:00. Floors, so negative (pre-1970) values work.
 *
 * :TRICKY: flooring local seconds is what makes a fall-back's repeated hour ONE bucket (both passes
 * read 02:xx) and gives a spring-forward's skipped hour NO bucket (no instant reads 02:xx). Half- and
 * quarter-hour zones (Asia/Kolkata, Asia/Kathmandu) get their own local hours for free.
 */
export function bucketStartLocal(localSeconds: number, period: Period, weekStart: WeekStart = 'monday'): number {
  const days = floorDiv(localSeconds, SECONDS_PER_DAY);
  switch (period) {
    case 'hourly':
      return floorDiv(localSeconds, 3600) * 3600 + 0;
    case 'daily':
      return days * SECONDS_PER_DAY + 0;
    case 'weekly': {
      // Day 0 (1970-01-01) was a Thursday: 3 days after a Monday, 4 after a Sunday.
      const sinceStart = floorMod(days + (weekStart === 'monday' ? 3 : 4), 7);
      return (days - sinceStart) * SECONDS_PER_DAY + 0;
    }
    case 'monthly': {
      const { year, month } = civilFromDays(days);
      return daysFromCivil(year, month, 1) * SECONDS_PER_DAY + 0;
    }
    default:
      throw new RangeError(`unknown period '${String(period)}'`);
  }
}

/** Local start of the bucket after the one starting at `localStart` (for half-open [start, next) ranges). */
export function nextBucketStartLocal(localStart: number, period: Period): number {
  switch (period) {
    case 'hourly':
      return localStart + 3600;
    case 'daily':
      return localStart + SECONDS_PER_DAY;
    case 'weekly':
      return localStart + 7 * SECONDS_PER_DAY;
    case 'monthly': {
      const { year, month } = civilFromDays(floorDiv(localStart, SECONDS_PER_DAY));
      return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) * SECONDS_PER_DAY;
    }
    default:
      throw new RangeError(`unknown period '${String(period)}'`);
  }
}
