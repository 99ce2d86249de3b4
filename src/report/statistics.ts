import { CallstatsError } from '../core/errors.js';
import type { Config } from '../core/config.js';
import { getDialect } from '../sql/dialects.js';
import { matchingRangeQuery, paramsText, statsQuery, statsRowsQuery, tableRangeQuery, type StatsQueryInput } from '../sql/stats-sql.js';
import type { Store } from '../store/store.js';
import {
  bucketStartLocal,
  formatBucketKey,
  formatKazooLocal,
  offsetAt,
  offsetSegments,
  type Period,
  type WeekStart,
} from '../time/index.js';
import type { ParsedQuery } from '../query/parse-query.js';
import type { AndNode } from '../query/ast.js';
import { boundedCallTimeFilters, CALL_TIME_MAX, CALL_TIME_MIN, clampCallTimeFilters, clampedCallTimeBounds } from './time-bounds.js';
import { callTimeBounds } from '../query/call-time-bounds.js';
import { aggregateRows } from './aggregate-rows.js';

/**
 * Most buckets one answer may span (non-empty or not): 100,000 hourly buckets is 11 years. A
 * wider question is a 400 that says to narrow `call_time`, so no request can run away.
 */
export const MAX_BUCKETS = 100_000;

/**
 * Most matching calls a DuckDB answer is aggregated from in TypeScript rather than by the engine
 * (CALLSTATS_STATS_ROWS_MAX overrides it). Read as columns, raw rows cost less CPU than the
 * engine's GROUPING SETS and exact median up to tens of thousands of calls, about the same near
 * 190k; an answer past the limit pays a scan of limit + 1 rows first, the first time it is asked
 * (TooManyRows). docs/performance.md, "Round 4: columns", has the measurements: 50,000 puts 47 of
 * the 10M data set's 50 accounts' months on the raw path.
 */
export const STATS_ROWS_MAX = 50_000;

/** One bucket or group of an answer (SPEC 2.4, 2.6). */
export interface Stats {
  total: number;
  duration_seconds: { max: number; min: number; median: number; mean: number };
  answered?: number;
  /** Distinct calls among the legs: Kazoo's interaction_id, a leg without one being its own call. */
  calls?: number;
  asr?: number;
  acd?: number | null;
  billing_seconds?: { max: number; min: number; median: number; mean: number; sum: number };
  percentiles?: { p90: number; p95: number; p99: number };
  groups?: Record<string, Stats>;
}

const SPAN_SECONDS: Record<Period, number> = { hourly: 3600, daily: 86400, weekly: 7 * 86400, monthly: 28 * 86400 };

/** Answers a statistics query: buckets in chronological order, only non-empty ones. */
export async function statistics(
  store: Store,
  account: string | undefined,
  period: Period,
  query: ParsedQuery,
  config: Pick<Config, 'dateOrder' | 'weekStart' | 'statsRowsMax'>,
): Promise<Record<string, Stats>> {
  const weekStart: WeekStart = query.weekStart ?? config.weekStart;
  const fits = (w: readonly [number, number]) => bucketSpan(w[0], w[1], period, weekStart, query.timezone) <= MAX_BUCKETS;
  // Every answer lies within CALL_TIME_MIN..CALL_TIME_MAX, whatever the store holds (time-bounds.ts).
  const filters = clampCallTimeFilters(query.filters);
  const window = await callTimeWindow(store, account, filters, fits);
  if (!window) return {};
  let [lo, hi] = window.range;
  if (!fits(window.range)) {
    // The cheap range is too wide to answer in one go; the matching calls' own range decides.
    const exact = window.exact ? window.range : await matchingRange(store, account, filters, lo, hi);
    if (!exact) return {};
    [lo, hi] = exact;
    if (bucketSpan(lo, hi, period, weekStart, query.timezone) > MAX_BUCKETS) {
      throw new CallstatsError('ERR_TOO_MANY_BUCKETS', 'too many buckets', {
        q: { filters: `the matching calls span more than ${MAX_BUCKETS} ${period} buckets; narrow call_time` },
      });
    }
  }
  const metrics = new Set(query.metrics);
  const spec = {
    grouped: query.grouping !== undefined,
    answered: metrics.has('answered') || metrics.has('asr') || metrics.has('acd'),
    billing: metrics.has('billing_seconds'),
    percentiles: metrics.has('percentiles'),
    calls: metrics.has('calls'),
  };
  const segments = offsetSegments(query.timezone, lo, hi + 1);
  const input: StatsQueryInput = { account, filters, grouping: query.grouping, period, weekStart, segments, range: [lo, hi], spec };
  const rows = await aggregatedRows(store, input, config.statsRowsMax ?? STATS_ROWS_MAX);
  const out: Record<string, Stats> = {};
  // :TRICKY: a Kazoo key is the local wall clock alone, so it needs no zone lookup; formatBucketKey
  // would look the zone up per bucket only to validate it, which parseQuery already did.
  const label =
    query.timeFormat === 'kazoo'
      ? (bucket: number) => formatKazooLocal(bucket, config.dateOrder)
      : (bucket: number) => formatBucketKey(bucket, query.timezone, query.timeFormat, config.dateOrder);
  let key = '';
  for (const row of rows) {
    // Rows are canonical (store/canonical-row.ts): bucket and is_total are numbers on every engine.
    const bucket = row.bucket as number;
    if (row.is_total === 1) {
      key = label(bucket);
      out[key] = toStats(row, metrics);
      if (spec.grouped) out[key].groups = {};
    } else {
      const group = groupKey(row.grp);
      const stats = toStats(row, metrics);
      // A group named `__proto__` (a CDR's hangup cause can be any text) is a key like any other:
      // assigned, it would set the object's prototype and vanish from the answer.
      if (group === '__proto__')
        Object.defineProperty(out[key].groups!, group, { value: stats, enumerable: true, writable: true, configurable: true });
      else out[key].groups![group] = stats;
    }
  }
  return out;
}

/**
 * The aggregated rows of a statistics query. On an embedded store (DuckDB: `allAtMost`) the
 * matching calls are first read raw, as the engine's columns, at most `rowsMax` + 1 of them: when
 * that many do not exist, they are aggregated here (a plain filtered scan read as typed columns is
 * cheaper than GROUPING SETS and an exact median), else the engine aggregates them all, the raw
 * rows never read (the wasted part is a scan stopped at the limit, paid once per question:
 * TooManyRows). `rowsMax` 0 always leaves it to the engine. ClickHouse keeps the engine's
 * aggregation: a second round trip would cost more than it saves.
 */
async function aggregatedRows(store: Store, input: StatsQueryInput, rowsMax: number): Promise<Record<string, unknown>[]> {
  const dialect = getDialect(store.dialect, store.engineVersion);
  if (rowsMax > 0 && store.allAtMost) {
    const query = statsRowsQuery(input, dialect, rowsMax + 1);
    const key = `${query.sql}\0${paramsText(query.params)}`;
    if (!tooManyRows.seen(store, key)) {
      const raw = await store.allAtMost(query, rowsMax);
      if (raw) return aggregateRows(raw, input.spec);
      tooManyRows.add(store, key);
    }
  }
  return store.all(statsQuery(input, dialect));
}

/**
 * Raw-path reads that found more than `rowsMax` matching calls, per store, by their exact SQL and
 * values: asked again (a dashboard polls the same questions), the question goes straight to the
 * engine instead of paying that scan first (2.7 ms of the 10M largest account's month hourly:
 * 18.1 vs 15.4 ms; docs/performance.md, "Round 6"). A hint only: both paths give the same
 * answer, so one remembered after its calls were pruned costs time, never exactness.
 */
class TooManyRows {
  private readonly byStore = new WeakMap<Store, Map<string, true>>();
  constructor(private readonly max: number) {}

  seen(store: Store, key: string): boolean {
    const keys = this.byStore.get(store);
    if (!keys?.has(key)) return false;
    keys.delete(key);
    keys.set(key, true);
    return true;
  }

  add(store: Store, key: string): void {
    let keys = this.byStore.get(store);
    if (!keys) this.byStore.set(store, (keys = new Map()));
    keys.set(key, true);
    if (keys.size > this.max) keys.delete(keys.keys().next().value!);
  }
}

/** Questions remembered per store (least recently asked dropped): their SQL is ~1–3 KB each. */
const tooManyRows = new TooManyRows(1024);

/** A group key as the API shows it (SPEC 2.4): booleans "0"/"1", a missing value "null", else the text. */
function groupKey(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

/** How many buckets of `period` lie between two instants (an upper bound for months). */
function bucketSpan(lo: number, hi: number, period: Period, weekStart: WeekStart, tz: string): number {
  const span = bucketStartLocal(hi + offsetAt(tz, hi), period, weekStart) - bucketStartLocal(lo + offsetAt(tz, lo), period, weekStart);
  return span / SPAN_SECONDS[period] + 1;
}

/**
 * A request's call_time window is its filter's own bounds when both are given and span at most
 * this long: no store round trip, and few enough offset segments for any zone (two a year).
 */
const FILTER_WINDOW_MAX_SECONDS = 3 * 366 * 86400;

/** A range holding every stored call's call_time: the store's own when it keeps one, else the tables' (column statistics). */
async function storedRange(store: Store): Promise<[number, number] | undefined> {
  if (store.callTimeRange) return store.callTimeRange();
  const [table] = await store.all(tableRangeQuery(getDialect(store.dialect, store.engineVersion)));
  return !table || table.lo === null ? undefined : [table.lo as number, table.hi as number];
}

/** The first and last call_time of the calls that match `filters` within [lo, hi]; undefined when none do. */
async function matchingRange(
  store: Store,
  account: string | undefined,
  filters: AndNode,
  lo: number,
  hi: number,
): Promise<[number, number] | undefined> {
  const [row] = await store.all(
    matchingRangeQuery(account, boundedCallTimeFilters(filters, lo, hi), getDialect(store.dialect, store.engineVersion)),
  );
  if (!row || row.lo === null) return undefined;
  return [row.lo as number, row.hi as number];
}

/**
 * The call_time range a query can touch, always within CALL_TIME_MIN..CALL_TIME_MAX: the filter's
 * own call_time bounds when they close it (and `fits` accepts them), else the stored calls' range
 * (storedRange: kept in the process on DuckDB, column statistics on ClickHouse; never a scan per
 * request) narrowed by those bounds; undefined when nothing can match.
 * `exact` says the range is the matching calls' own.
 * :TRICKY: a client's query names its period, so the common request skips the table-range
 * query altogether; the engine query still bounds call_time on every side (stats-sql.ts).
 */
export async function callTimeWindow(
  store: Store,
  account: string | undefined,
  filters: AndNode,
  fits: (window: readonly [number, number]) => boolean = () => true,
): Promise<{ range: [number, number]; exact: boolean } | undefined> {
  const [olo, ohi] = callTimeBounds(filters);
  const [flo, fhi] = clampedCallTimeBounds(filters);
  if (flo > fhi) return undefined;
  if (Number.isFinite(olo) && Number.isFinite(ohi) && fhi - flo <= FILTER_WINDOW_MAX_SECONDS && fits([flo, fhi])) {
    return { range: [flo, fhi], exact: false };
  }
  const table = await storedRange(store);
  if (!table) return undefined;
  const [tlo, thi] = table;
  if (tlo < CALL_TIME_MIN || thi > CALL_TIME_MAX) {
    // :TRICKY: some account holds calls outside the bounds (stored before ingest bounded them, or
    // by hand). The table's range would then cover 130 years of offset segments for every
    // account's query, so this query's own matching calls decide: one more scan of call_time,
    // only while such calls exist, and nobody else's data changes the answer or its cost.
    const own = await matchingRange(store, account, filters, flo, fhi);
    return own && { range: own, exact: true };
  }
  const lo = Math.max(tlo, flo);
  const hi = Math.min(thi, fhi);
  return lo > hi ? undefined : { range: [lo, hi], exact: false };
}

/**
 * An engine's interpolated quantile, snapped to its exact value.
 * :TRICKY: both engines compute lo + (hi - lo) * (h - floor(h)) with h = (n - 1) * p in doubles,
 * so p99 of [.., 11, 79] comes out as 75.60000000000001. For p in {0.5, 0.9, 0.95, 0.99} the
 * exact value is a multiple of 1/100 (h's fraction has denominator 2, 10, 20 or 100 and the
 * values are integers), and the double error is many orders below 0.005 for any duration, so
 * rounding to hundredths gives the nearest double to the exact answer on every engine.
 */
export function snapQuantile(v: unknown): number {
  return Math.round(Number(v) * 100) / 100;
}

/**
 * One row of the engine's answer in the API's shape. Means and ratios are computed here from
 * exact integer sums, so both engines give the same digits.
 */
function toStats(row: Record<string, unknown>, metrics: ReadonlySet<string>): Stats {
  const total = Number(row.total);
  const s: Stats = {
    total,
    duration_seconds: {
      max: Number(row.d_max),
      min: Number(row.d_min),
      median: snapQuantile(row.d_median),
      mean: Number(row.d_sum) / total,
    },
  };
  if (metrics.has('answered')) s.answered = Number(row.answered);
  if (metrics.has('calls')) s.calls = Number(row.calls);
  if (metrics.has('asr')) s.asr = Number(row.answered) / total;
  if (metrics.has('acd')) s.acd = Number(row.answered) > 0 ? Number(row.ab_sum) / Number(row.answered) : null;
  if (metrics.has('billing_seconds')) {
    s.billing_seconds = {
      max: Number(row.b_max),
      min: Number(row.b_min),
      median: snapQuantile(row.b_median),
      mean: Number(row.b_sum) / total,
      sum: Number(row.b_sum),
    };
  }
  if (metrics.has('percentiles'))
    s.percentiles = { p90: snapQuantile(row.d_p90), p95: snapQuantile(row.d_p95), p99: snapQuantile(row.d_p99) };
  return s;
}
