import type { Prng } from './prng.js';

/** Relative call volume by local hour 0–23 for a business line: busy 9–16, a lunch dip, quiet nights. */
const HOURLY = [
  0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.06, 0.25, 0.7, 1.0, 1.0, 0.95, 0.7, 0.85, 0.95, 0.9, 0.75, 0.45, 0.25, 0.15, 0.1, 0.08, 0.05, 0.03,
];
/** Relative volume by local weekday, Sunday = 0. */
const DAILY = [0.15, 1.0, 1.05, 1.0, 1.0, 0.9, 0.25];

/**
 * Where calls fall in time for one account time zone: a table of UTC hours in [from, to) weighted by
 * local hour and weekday, sampled by binary search on the cumulative weight.
 */
export class CallRhythm {
  /** UTC epoch second where each slot starts (clipped to `from`). */
  private readonly starts: Float64Array;
  /** Slot length in seconds (shorter at the ends of the range). */
  private readonly lengths: Float64Array;
  private readonly cumulative: Float64Array;
  /** 'YYYYMM' (UTC) of each slot, for Kazoo's monthly CDR document ids. */
  readonly months: string[];

  /** `fromS`/`toS` are whole UTC epoch seconds; calls start in [fromS, toS). */
  constructor(timeZone: string, fromS: number, toS: number) {
    if (!(toS > fromS)) throw new RangeError('synthetic CDRs need from < to');
    const offset = offsetFinder(timeZone);
    const first = Math.floor(fromS / 3600) * 3600;
    const n = Math.ceil((toS - first) / 3600);
    this.starts = new Float64Array(n);
    this.lengths = new Float64Array(n);
    this.cumulative = new Float64Array(n);
    this.months = new Array<string>(n);
    let total = 0;
    let dayOffset = 0;
    let sameAllDay = false;
    for (let i = 0; i < n; i++) {
      const hourStart = first + i * 3600;
      // Intl is slow (tens of µs a call): ask once per 24 h, and hour by hour only on days whose
      // offset changes (DST), instead of 8,760 calls per zone-year.
      if (i % 24 === 0) {
        dayOffset = offset(hourStart + 1800);
        sameAllDay = offset(hourStart + 24 * 3600 - 1800) === dayOffset;
      }
      // :TRICKY: evaluated at the middle of the UTC hour, so zones with half-hour offsets still
      // land every UTC hour in one local hour.
      const localMid = hourStart + 1800 + (sameAllDay ? dayOffset : offset(hourStart + 1800));
      const hour = Math.floor(localMid / 3600) % 24;
      const weekday = (Math.floor(localMid / 86400) + 4) % 7; // 1970-01-01 was a Thursday
      const start = Math.max(hourStart, fromS);
      const end = Math.min(hourStart + 3600, toS);
      total += (HOURLY[hour] * DAILY[weekday] * (end - start)) / 3600;
      this.starts[i] = start;
      this.lengths[i] = end - start;
      this.cumulative[i] = total;
      const d = new Date(hourStart * 1000);
      this.months[i] = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    }
  }

  /** The slot of the last sample (a field rather than a returned pair: no allocation per call). */
  lastSlot = 0;

  /** A call start (UTC epoch second); its slot is left in `lastSlot`. */
  sample(rng: Prng): number {
    const c = this.cumulative;
    const target = rng.float() * c[c.length - 1];
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    this.lastSlot = lo;
    return this.starts[lo] + Math.floor(rng.float() * this.lengths[lo]);
  }
}

/** A function giving a zone's UTC offset in seconds at a UTC epoch second. */
function offsetFinder(timeZone: string): (utcSecond: number) => number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (utcSecond) => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(utcSecond * 1000))) p[part.type] = Number(part.value);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - utcSecond;
  };
}
