import type { Prng } from './prng.js';

/** Relative call volume by local hour 0–23 for a business line: busy 9–16, a lunch dip, quiet nights. */
const HOURLY = [
  0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.06, 0.25, 0.7, 1.0, 1.0, 0.95,
  0.7, 0.85, 0.95, 0.9, 0.75, 0.45, 0.25, 0.15, 0.1, 0.08, 0.05, 0.03,
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
    const local = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit' });
    const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
    const first = Math.floor(fromS / 3600) * 3600;
    const n = Math.ceil((toS - first) / 3600);
    this.starts = new Float64Array(n);
    this.lengths = new Float64Array(n);
    this.cumulative = new Float64Array(n);
    this.months = new Array<string>(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const hourStart = first + i * 3600;
      const start = Math.max(hourStart, fromS);
      const end = Math.min(hourStart + 3600, toS);
      // :TRICKY: evaluate the local hour at the middle of the UTC hour: zones with half-hour offsets
      // (none of the demo zones today, but the table takes any zone) would otherwise round oddly.
      const parts = local.formatToParts(new Date((hourStart + 1800) * 1000));
      let hour = 0;
      let weekday = 0;
      for (const p of parts) {
        if (p.type === 'hour') hour = Number(p.value);
        else if (p.type === 'weekday') weekday = weekdays[p.value] ?? 0;
      }
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
