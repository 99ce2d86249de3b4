/**
 * The in-memory reference for `statistics()` (SPEC 2.4, 2.6; STYLE habit 5): plain loops over
 * `Call[]`, answers built to the last digit.
 *
 * Decisions:
 * - Buckets come from `referenceLocalParts` (Intl) truncated with calendar arithmetic, never from
 *   offset segments. Kazoo keys are formatted here; ISO keys reuse `formatBucketKey(…, 'iso')`
 *   because its offset rule (KEY-OFFSET: earlier offset for a repeated start, the offset after
 *   the jump for a skipped one) is subtle; test/query/dst-days.test.ts pins those keys by hand.
 * - Bucket order is chronological and checked strictly. Group order is NOT a contract: JS objects
 *   list integer-like keys ("0", "1", zone ids) first in numeric order whatever order the engine
 *   returned, so groups are compared order-insensitively. They are still built here in the
 *   engine's order (UTF-8 byte order of the key text, the NULL group last as DuckDB sorts it).
 * - Quantiles are exact rationals: with h = (n-1)·k/100, value = (lo·100 + (hi-lo)·r)/100 where
 *   r = (n-1)·k mod 100 — one correctly rounded division, the nearest double to the exact answer,
 *   which is what statistics.ts's snapQuantile promises.
 */
import type { Call } from '../../src/core/call.js';
import type { ParsedQuery } from '../../src/query/parse-query.js';
import type { Stats } from '../../src/report/statistics.js';
import { formatBucketKey } from '../../src/time/index.js';
import { refCompare, refFieldValue, refMatches, type RefLowerCase, type RefValue, type ZoneLookup } from './reference-filter.js';
import { refKazoo, refLocal, wallSeconds } from './reference-time.js';

export type RefPeriod = 'hourly' | 'daily' | 'weekly' | 'monthly';

/** Configuration the answer depends on. */
export interface RefConfig {
  dateOrder: 'dmy' | 'mdy';
  weekStart: 'monday' | 'sunday';
}

/** The calls of `account` (every account when undefined) that match the query's filters. */
export function refSelect(
  calls: readonly Call[],
  account: string | undefined,
  query: ParsedQuery,
  zone: ZoneLookup,
  lower: RefLowerCase = 'simple',
): Call[] {
  return calls.filter((c) => (account === undefined || c.account_id === account) && refMatches(query.filters, c, zone, lower));
}

interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
}

/** The local start of the bucket holding a wall-clock reading, in plain calendar terms. */
export function refBucketStart(utc: number, tz: string, period: RefPeriod, weekStart: 'monday' | 'sunday'): Civil {
  const p = refLocal(utc, tz);
  switch (period) {
    case 'hourly':
      return { year: p.year, month: p.month, day: p.day, hour: p.hour };
    case 'daily':
      return { year: p.year, month: p.month, day: p.day, hour: 0 };
    case 'weekly': {
      // weekday is ISO (1 = Monday … 7 = Sunday): days since the week's first day.
      const back = weekStart === 'monday' ? p.weekday - 1 : p.weekday % 7;
      const d = new Date(Date.UTC(p.year, p.month - 1, p.day - back));
      return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0 };
    }
    case 'monthly':
      return { year: p.year, month: p.month, day: 1, hour: 0 };
  }
}

/** Exact k-th percentile (k in whole percent) of sorted integers, interpolated between closest ranks. */
export function refQuantile(sorted: readonly number[], k: number): number {
  const h100 = (sorted.length - 1) * k; // h·100, an integer
  const i = Math.floor(h100 / 100);
  const r = h100 % 100;
  if (r === 0) return sorted[i];
  return (sorted[i] * 100 + (sorted[i + 1] - sorted[i]) * r) / 100;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

/** Statistics of one bucket or group, with the metrics asked for. */
export function refStats(calls: readonly Call[], metrics: readonly string[]): Stats {
  const n = calls.length;
  const d = sorted(calls.map((c) => c.duration_seconds));
  const s: Stats = { total: n, duration_seconds: { max: d[n - 1], min: d[0], median: refQuantile(d, 50), mean: sum(d) / n } };
  const answered = calls.filter((c) => !c.unanswered);
  if (metrics.includes('answered')) s.answered = answered.length;
  if (metrics.includes('calls')) {
    const interactions = new Set(calls.flatMap((c) => (c.interaction_id === null ? [] : [c.interaction_id])));
    s.calls = interactions.size + calls.filter((c) => c.interaction_id === null).length;
  }
  if (metrics.includes('asr')) s.asr = answered.length / n;
  if (metrics.includes('acd')) s.acd = answered.length ? sum(answered.map((c) => c.billing_seconds)) / answered.length : null;
  if (metrics.includes('billing_seconds')) {
    const b = sorted(calls.map((c) => c.billing_seconds));
    s.billing_seconds = { max: b[n - 1], min: b[0], median: refQuantile(b, 50), mean: sum(b) / n, sum: sum(b) };
  }
  if (metrics.includes('percentiles')) s.percentiles = { p90: refQuantile(d, 90), p95: refQuantile(d, 95), p99: refQuantile(d, 99) };
  return s;
}

/** A group key as the API shows it: booleans "0"/"1", NULL "null", everything else its text. */
export function refGroupKey(v: RefValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

/** What `statistics()` answers for these calls. */
export function referenceStatistics(
  calls: readonly Call[],
  account: string | undefined,
  period: RefPeriod,
  query: ParsedQuery,
  config: RefConfig,
  zone: ZoneLookup,
  lower: RefLowerCase = 'simple',
): Record<string, Stats> {
  const weekStart = query.weekStart ?? config.weekStart;
  const buckets = new Map<number, { start: Civil; calls: Call[] }>();
  for (const c of refSelect(calls, account, query, zone, lower)) {
    const start = refBucketStart(c.call_time, query.timezone, period, weekStart);
    const at = wallSeconds(start);
    if (!buckets.has(at)) buckets.set(at, { start, calls: [] });
    buckets.get(at)!.calls.push(c);
  }
  const out: Record<string, Stats> = {};
  for (const at of [...buckets.keys()].sort((a, b) => a - b)) {
    const { start, calls: inBucket } = buckets.get(at)!;
    const key =
      query.timeFormat === 'iso'
        ? formatBucketKey(at, query.timezone, 'iso', config.dateOrder)
        : refKazoo({ ...start, minute: 0, second: 0 }, config.dateOrder);
    if (Object.hasOwn(out, key)) throw new Error(`reference produced bucket key ${key} twice`);
    out[key] = refStats(inBucket, query.metrics);
    if (query.grouping !== undefined) out[key].groups = refGroups(inBucket, query.grouping, query.metrics, zone);
  }
  return out;
}

function refGroups(calls: readonly Call[], field: string, metrics: readonly string[], zone: ZoneLookup): Record<string, Stats> {
  // Groups are keyed by the API's key text, so a missing value and the text "null" share a group.
  const byKey = new Map<string, Call[]>();
  for (const c of calls) {
    const key = refGroupKey(refFieldValue(c, field, zone));
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key)!.push(c);
  }
  const groups: Record<string, Stats> = {};
  for (const key of [...byKey.keys()].sort(refCompare)) groups[key] = refStats(byKey.get(key)!, metrics);
  return groups;
}
