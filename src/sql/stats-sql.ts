import type { AndNode } from '../query/ast.js';
import type { CompiledSql } from '../store/store.js';
import type { OffsetSegment, Period, WeekStart } from '../time/index.js';
import { compileFilter, requiredZoneJoins } from './compile-filter.js';
import type { Dialect, StatsSpec } from './dialect.js';
import { CALLS_ALIAS, fieldSql } from './field-sql.js';
import { ParamCollector } from './params.js';
import { getField } from '../query/fields.js';
import { callTimeBounds as callTimeBoundsOf } from '../query/call-time-bounds.js';

/** A safe integer as SQL text: only numbers we computed ourselves (offsets, instants) take this path. */
export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`refusing non-integer SQL constant ${String(n)}`);
  return n < 0 ? `(${n})` : String(n);
}

/**
 * Local wall-clock seconds of `call_time`: the UTC instant plus the zone's offset, picked from
 * the offset segments that cover the queried calls.
 * :TRICKY: no per-row time-zone conversion — the engine adds a constant chosen by a short CASE
 * over the few transitions in range, which is what makes hourly buckets in any zone cheap.
 */
export function localTimeSql(segments: readonly OffsetSegment[]): string {
  const t = `${CALLS_ALIAS}.call_time`;
  if (segments.length === 0) return t;
  if (segments.length === 1) return `(${t} + ${int(segments[0].offset)})`;
  const whens = segments.slice(0, -1).map((s) => `WHEN ${t} < ${int(s.end)} THEN ${int(s.offset)}`);
  return `(${t} + CASE ${whens.join(' ')} ELSE ${int(segments[segments.length - 1].offset)} END)`;
}

/** Floor modulo for truncating engines: the result is in [0, m) for any sign of `x`. */
function floorMod(x: string, m: number): string {
  return `((${x} % ${int(m)}) + ${int(m)}) % ${int(m)}`;
}

/**
 * Local seconds of the start of the bucket holding local time `local`. With `nonNegative` (every
 * matching call's local time is known to be >= 0) hours and days are a plain integer division:
 * engines truncate toward zero, which is the floor only for non-negative numbers. It names `local`
 * once (no second CASE per row) and measured ~8 % off a whole-store hourly query.
 */
function bucketSql(local: string, period: Period, weekStart: WeekStart, dialect: Dialect, nonNegative = false): string {
  if (nonNegative && (period === 'hourly' || period === 'daily')) {
    const span = period === 'hourly' ? '3600' : '86400';
    return `(${dialect.intDiv(local, span)} * ${span})`;
  }
  const dayStart = `(${local} - ${floorMod(local, 86400)})`;
  switch (period) {
    case 'hourly':
      return `(${local} - ${floorMod(local, 3600)})`;
    case 'daily':
      return dayStart;
    case 'weekly': {
      // 1970-01-01 was a Thursday: day + 3 is 0 on Mondays, day + 4 on Sundays.
      const day = dialect.intDiv(dayStart, '86400');
      const shift = weekStart === 'monday' ? 3 : 4;
      return `(${dayStart} - ${floorMod(`(${day} + ${shift})`, 7)} * 86400)`;
    }
    case 'monthly':
      return dialect.monthStart(local);
  }
}

/** The WHERE clause of every statistics and records query: the account and the filters. */
export function whereSql(account: string | undefined, filters: AndNode, dialect: Dialect, params: ParamCollector): string {
  const parts: string[] = [];
  if (account !== undefined) parts.push(`${CALLS_ALIAS}.account_id = ${dialect.value(account, params)}`);
  if (filters.children.length > 0) parts.push(compileFilter(filters, dialect, params));
  return parts.length ? parts.join(' AND ') : '1 = 1';
}

/** FROM with the zone joins that the filters (and grouping) need; the dialect decides how to join. */
export function fromSql(filters: AndNode, grouping: string | undefined, dialect: Dialect, account?: string, table?: string): string {
  return dialect.callsFrom(requiredZoneJoins(filters, grouping), account, table);
}

export interface StatsQueryInput {
  account?: string;
  filters: AndNode;
  grouping?: string;
  period: Period;
  weekStart: WeekStart;
  segments: readonly OffsetSegment[];
  /** The call_time range the segments cover; calls outside it (stored since) are left out. */
  range: readonly [number, number];
  spec: StatsSpec;
}

/**
 * First and last call_time in the whole table: engines answer it from column statistics, so it
 * costs no scan. Offset segments are computed over this range narrowed by the filter's own
 * call_time bounds (see statistics.ts), so a request runs one query, not two.
 */
export function tableRangeQuery(dialect: Dialect): CompiledSql {
  const range = (table: string) => `SELECT min(call_time) AS lo, max(call_time) AS hi FROM ${dialect.identifier(table)}`;
  if (!dialect.callsTables) return { sql: range('calls'), params: [] };
  return { sql: `SELECT min(lo) AS lo, max(hi) AS hi FROM (${dialect.callsTables.map(range).join(' UNION ALL ')}) r`, params: [] };
}

/** First and last call_time of the matching calls: the precise range, when the cheap one is too wide. */
export function matchingRangeQuery(account: string | undefined, filters: AndNode, dialect: Dialect): CompiledSql {
  const params = new ParamCollector();
  const where = whereSql(account, filters, dialect, params);
  return {
    sql: `SELECT min(${CALLS_ALIAS}.call_time) AS lo, max(${CALLS_ALIAS}.call_time) AS hi FROM ${fromSql(filters, undefined, dialect)} WHERE ${where}`,
    params: params.values,
  };
}

/**
 * The statistics query. Its source has one row per matching call — bucket (local seconds of the
 * bucket start), grp (group key text or NULL), d, b (durations) and a (1 when answered) — and the
 * dialect aggregates it. Output columns: bucket, grp, is_total, total, d_min, d_max, d_sum, d_median,
 * and as asked answered, ab_sum, b_min, b_max, b_sum, b_median, d_p90, d_p95, d_p99, calls (with the
 * source's i, the interaction id).
 */
export function statsQuery(input: StatsQueryInput, dialect: Dialect): CompiledSql {
  const { sql, params } = perTableSource(input, dialect);
  return { sql: dialect.aggregateStats(sql, input.spec), params };
}

/**
 * The statistics query's source alone, at most `limit` of its rows: the matching calls' raw values
 * (bucket, grp, d, b, u, i) for report/aggregate-rows.ts when they are few. No ORDER BY: the
 * aggregation does not depend on the rows' order, and a plain scan stops at the limit.
 */
export function statsRowsQuery(input: StatsQueryInput, dialect: Dialect, limit: number): CompiledSql {
  const { sql, params } = perTableSource(input, dialect);
  // Columns in statsRowsColumns' order; bucket as a DOUBLE (exact below 2^53) because a BIGINT
  // column is read as one BigInt per row. DuckDB only (the one store with allAtMost).
  const columns = statsRowsColumns(input.spec).map((c) => (c === 'bucket' ? 'CAST(bucket AS DOUBLE) AS bucket' : c));
  return { sql: `SELECT ${columns.join(', ')} FROM (${sql}) s LIMIT ${int(limit)}`, params };
}

/**
 * statsSource over `calls`, or where `calls` is a view of several tables (DuckDB), one branch per
 * table. :TRICKY: with `calls` a UNION ALL view, the bucket arithmetic above the view costs about
 * three times what it costs on each table (likely: the view hides the column statistics that let
 * DuckDB drop its overflow checks): ~9 % CPU and ~30 % wall of a whole-store hourly at 10M
 * (docs/performance.md, "Round 4: the engine's SQL"). So each branch projects its own table's
 * rows, for the engine's aggregation and for the raw rows alike. Every branch numbers the same
 * values in the same order, so `$n` is one value in all of them and the first branch's
 * parameters serve the whole query.
 */
/** Bound values as one text (a bigint as its digits): to compare or remember a query's values. */
export function paramsText(params: CompiledSql['params']): string {
  return JSON.stringify(params, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

function perTableSource(input: StatsQueryInput, dialect: Dialect): CompiledSql {
  if (!dialect.callsTables) return statsSource(input, dialect);
  const branches = dialect.callsTables.map((table) => statsSource(input, dialect, table));
  if (branches.some((b) => paramsText(b.params) !== paramsText(branches[0].params)))
    throw new Error('statistics branches bind different values');
  return { sql: branches.map((b) => b.sql).join(' UNION ALL '), params: branches[0].params };
}

/** The columns of statsRowsQuery's result, in order: bucket, grp, d and as the spec asks b, u, i. */
export function statsRowsColumns(spec: StatsSpec): string[] {
  return [
    'bucket',
    'grp',
    'd',
    ...(spec.answered || spec.billing ? ['b'] : []),
    ...(spec.answered ? ['u'] : []),
    ...(spec.calls ? ['i'] : []),
  ];
}

/** One row per matching call: bucket, grp, d and as the spec asks b, u, i (see statsQuery). */
function statsSource(input: StatsQueryInput, dialect: Dialect, table?: string): CompiledSql {
  const params = new ParamCollector();
  const t = `${CALLS_ALIAS}.call_time`;
  // :TRICKY: the range keeps out calls stored after it was read (their offsets are not covered),
  // but a side the filter already bounds needs no second predicate: repeated range predicates
  // on call_time measurably slow DuckDB's scan (2-3x on a one-month account query).
  const [flo, fhi] = callTimeBoundsOf(input.filters);
  const bounds = [
    ...(flo === -Infinity ? [`${t} >= ${dialect.value(input.range[0], params)}`] : []),
    ...(fhi === Infinity ? [`${t} <= ${dialect.value(input.range[1], params)}`] : []),
  ];
  const where = [whereSql(input.account, input.filters, dialect, params), ...bounds].join(' AND ');
  // The WHERE clause guarantees call_time >= lowest: the filter's own bound, else the one added above.
  const lowest = flo === -Infinity ? input.range[0] : flo;
  const lowestOffset = Math.min(0, ...input.segments.map((seg) => seg.offset));
  const nonNegative = lowest + lowestOffset >= 0;
  const bucket = bucketSql(localTimeSql(input.segments), input.period, input.weekStart, dialect, nonNegative);
  const grp = input.grouping ? groupSql(input.grouping, dialect) : 'NULL';
  // Only the columns the aggregation reads: unused ones still cost the scan.
  const extra = [
    ...(input.spec.answered || input.spec.billing ? [`${CALLS_ALIAS}.billing_seconds AS b`] : []),
    ...(input.spec.answered ? [`${dialect.booleanAsInteger(`${CALLS_ALIAS}.unanswered`)} AS u`] : []),
    ...(input.spec.calls ? [`${CALLS_ALIAS}.${dialect.identifier('interaction_id')} AS i`] : []),
  ];
  const source =
    `SELECT ${[`${bucket} AS bucket`, `${grp} AS grp`, `${CALLS_ALIAS}.duration_seconds AS d`, ...extra].join(', ')} ` +
    `FROM ${fromSql(input.filters, input.grouping, dialect, input.account, table)} WHERE ${where}`;
  return { sql: source, params: params.values };
}

/**
 * The grouping expression. Engines group on the field's own type (much cheaper than text keys);
 * statistics.ts turns values into the API's key text. Text fields map a missing value to 'null'
 * here, so a stored text "null" and a missing value share one group, as their keys do.
 */
function groupSql(field: string, dialect: Dialect): string {
  const def = getField(field);
  return dialect.groupKey(fieldSql(field, dialect), def?.type, def?.nullable ?? true);
}
