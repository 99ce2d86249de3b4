import type { Client } from 'pg';
import { CALL_COLUMNS, type Call } from '../../src/core/call.js';
import { copyFrom, copyValue } from './pg-copy.js';

/**
 * The textbook PostgreSQL answer to callstats' job: one CDR table, a B-tree on (account, time), and
 * GROUP BY date_trunc over `AT TIME ZONE`. The benchmark compares callstats against this.
 */

/** One call as the baseline loads it: the stored call shape (call_time in UTC epoch seconds). */
export type CallRow = Call;
export type CallField = (typeof CALL_COLUMNS)[number];

const SQL_TYPES: Record<CallField, string> = {
  account_id: 'text',
  call_id: 'text',
  call_time: 'timestamptz',
  call_direction: 'text',
  caller_id_name: 'text',
  caller_id_number: 'text',
  callee_id_number: 'text',
  caller_zone_id: 'int',
  callee_zone_id: 'int',
  duration_seconds: 'int',
  billing_seconds: 'int',
  ringing_seconds: 'int',
  unanswered: 'boolean',
  hangup_cause: 'text',
  interaction_id: 'text',
  other_leg_call_id: 'text',
  bridge_id: 'text',
  resource_type: 'text',
  authorizing_type: 'text',
  authorizing_id: 'text',
  owner_id: 'text',
  hangup_code: 'text',
  disposition: 'text',
  media_server: 'text',
  reseller_id: 'text',
};

export const CREATE_TABLE = `CREATE TABLE cdrs (${CALL_COLUMNS.map((c) => `${c} ${SQL_TYPES[c]}`).join(', ')})`;

/** Phase timings of a load, in milliseconds. */
export interface LoadTimings {
  rows: number;
  copyMs: number;
  indexMs: number;
  vacuumMs: number;
}

/**
 * Loads rows the way a DBA bulk-loads: COPY into a bare table, then the primary key and the
 * (account_id, call_time) index (building them afterwards is several times faster than maintaining
 * them row by row), then VACUUM ANALYZE so the planner has statistics and the visibility map is set.
 */
export async function loadCalls(client: Client, rows: Iterable<CallRow> | AsyncIterable<CallRow>): Promise<LoadTimings> {
  await client.query('DROP TABLE IF EXISTS cdrs');
  await client.query(CREATE_TABLE);
  // fsync stays on; only this session stops waiting for its WAL flush on commit.
  await client.query('SET synchronous_commit = off');
  let count = 0;
  async function* chunks(): AsyncGenerator<string> {
    let chunk = '';
    for await (const row of rows) {
      count++;
      chunk += copyLine(row);
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  let t = performance.now();
  await copyFrom(client, `COPY cdrs (${COPY_COLUMNS.join(', ')}) FROM STDIN`, chunks());
  const copyMs = performance.now() - t;
  t = performance.now();
  await client.query('ALTER TABLE cdrs ADD PRIMARY KEY (account_id, call_id)');
  await client.query('CREATE INDEX cdrs_account_time ON cdrs (account_id, call_time)');
  const indexMs = performance.now() - t;
  t = performance.now();
  await client.query('VACUUM ANALYZE cdrs');
  const vacuumMs = performance.now() - t;
  await client.query('RESET synchronous_commit');
  return { rows: count, copyMs, indexMs, vacuumMs };
}

/**
 * One row in COPY text format, the columns of COPY_COLUMNS (the benchmark's CDRs carry none of
 * the Kazoo columns added since; those stay NULL). Spelled out rather than
 * `CALL_COLUMNS.map(...).join('\t')`: the generic form made formatting cost more than generating.
 */
export function copyLine(r: CallRow): string {
  const v = copyValue;
  return `${v(r.account_id)}\t${v(r.call_id)}\t${new Date(r.call_time * 1000).toISOString()}\t${v(r.call_direction)}\t${v(r.caller_id_name)}\t${v(r.caller_id_number)}\t${v(r.callee_id_number)}\t${v(r.caller_zone_id)}\t${v(r.callee_zone_id)}\t${v(r.duration_seconds)}\t${v(r.billing_seconds)}\t${v(r.ringing_seconds)}\t${v(r.unanswered)}\t${v(r.hangup_cause)}\n`;
}
const EXPECTED_ORDER =
  'account_id call_id call_time call_direction caller_id_name caller_id_number callee_id_number caller_zone_id callee_zone_id duration_seconds billing_seconds ringing_seconds unanswered hangup_cause';
/** The columns copyLine writes: the first columns of the registry. */
const COPY_COLUMNS = EXPECTED_ORDER.split(' ');
if (CALL_COLUMNS.slice(0, COPY_COLUMNS.length).join(' ') !== EXPECTED_ORDER) throw new Error('CALL_COLUMNS changed: update copyLine');

/** A small filter language, enough for the benchmark's shapes; every value becomes a parameter. */
export type Filter =
  | { op: 'eq'; field: CallField; value: string | number | boolean }
  | { op: 'in'; field: CallField; values: (string | number)[] }
  | { op: 'like' | 'ilike'; field: CallField; pattern: string }
  | { op: 'gte' | 'lt'; field: CallField; value: string | number }
  | { op: 'or' | 'and'; of: Filter[] };

export interface SqlQuery {
  text: string;
  values: unknown[];
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type?: string): string {
    this.values.push(value);
    return type ? `$${this.values.length}::${type}` : `$${this.values.length}`;
  }
}

function column(field: CallField): string {
  // Identifiers only from the column list, never from input.
  if (!(CALL_COLUMNS as readonly string[]).includes(field)) throw new Error(`unknown field ${field}`);
  return field;
}

function compileFilter(f: Filter, p: Params): string {
  switch (f.op) {
    case 'or':
    case 'and':
      return f.of.length === 0
        ? f.op === 'or'
          ? 'false'
          : 'true'
        : `(${f.of.map((x) => compileFilter(x, p)).join(` ${f.op.toUpperCase()} `)})`;
    case 'eq':
      return `${column(f.field)} = ${p.add(f.value, SQL_TYPES[f.field])}`;
    // `= ANY($n::int[])` keeps a country's tens of thousands of zone ids one parameter.
    case 'in':
      return `${column(f.field)} = ANY(${p.add(f.values, `${SQL_TYPES[f.field]}[]`)})`;
    case 'like':
      return `${column(f.field)} LIKE ${p.add(f.pattern, 'text')}`;
    case 'ilike':
      return `${column(f.field)} ILIKE ${p.add(f.pattern, 'text')}`;
    case 'gte':
      return `${column(f.field)} >= ${p.add(f.value, SQL_TYPES[f.field])}`;
    case 'lt':
      return `${column(f.field)} < ${p.add(f.value, SQL_TYPES[f.field])}`;
  }
}

function where(accountId: string | null, filters: Filter[], p: Params): string {
  const parts = accountId === null ? [] : [`account_id = ${p.add(accountId, 'text')}`];
  for (const f of filters) parts.push(compileFilter(f, p));
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

export type Period = 'hourly' | 'daily' | 'weekly' | 'monthly';
const UNITS: Record<Period, string> = { hourly: 'hour', daily: 'day', weekly: 'week', monthly: 'month' };

export interface StatsRequest {
  period: Period;
  timezone: string;
  /** null: the whole store (every account). */
  accountId: string | null;
  filters?: Filter[];
  grouping?: CallField;
}

/**
 * Statistics per local bucket. `call_time AT TIME ZONE $tz` yields local wall-clock time, so a
 * fall-back's repeated hour lands in one bucket and daily buckets follow local midnight;
 * date_trunc('week') starts on Monday. With a grouping, GROUPING SETS returns the bucket totals and
 * the groups in one scan.
 */
export function statsQuery(req: StatsRequest): SqlQuery {
  const p = new Params();
  const tz = p.add(req.timezone, 'text');
  const filter = where(req.accountId, req.filters ?? [], p);
  const unit = UNITS[req.period];
  // Without a grouping every row is a bucket total; GROUPING() needs a grouped column to ask about.
  const [inner, outer, groupBy] = req.grouping
    ? [`, ${column(req.grouping)} AS grp`, 'grp, GROUPING(grp) = 1 AS is_total', 'GROUPING SETS ((bucket), (bucket, grp))']
    : ['', 'NULL AS grp, true AS is_total', 'bucket'];
  const text = `SELECT to_char(bucket, 'YYYY-MM-DD HH24:MI:SS') AS bucket, ${outer},
  count(*) AS total, min(duration_seconds) AS min, max(duration_seconds) AS max, avg(duration_seconds) AS mean,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_seconds) AS median
FROM (SELECT date_trunc('${unit}', call_time AT TIME ZONE ${tz}) AS bucket${inner}, duration_seconds FROM cdrs ${filter}) t
GROUP BY ${groupBy}
ORDER BY 1, 3 DESC, 2 NULLS FIRST`;
  return { text, values: p.values };
}

/** The record export: the account's matching calls ordered by call_time then call_id (SPEC 2.5). */
export function exportQuery(accountId: string, filters: Filter[] = []): SqlQuery {
  const p = new Params();
  const filter = where(accountId, filters, p);
  const columns = CALL_COLUMNS.filter((c) => c !== 'account_id').join(', ');
  return { text: `SELECT ${columns} FROM cdrs ${filter} ORDER BY call_time, call_id`, values: p.values };
}

/** One statistics row in the form every engine's answer is normalised to before comparing. */
export interface CanonicalStat {
  bucketLocalStart: string;
  /** null for the bucket total; a group's key as the API shows it ('null' for a missing value). */
  group: string | null;
  total: number;
  min: number;
  max: number;
  mean: number;
  median: number;
}

export function canonicalStats(rows: Record<string, unknown>[]): CanonicalStat[] {
  return rows.map((r) => ({
    bucketLocalStart: String(r.bucket),
    group: r.is_total ? null : r.grp === null ? 'null' : typeof r.grp === 'boolean' ? (r.grp ? '1' : '0') : String(r.grp),
    // pg returns bigint counts and numeric averages as strings to avoid precision loss; these fit a double.
    total: Number(r.total),
    min: Number(r.min),
    max: Number(r.max),
    mean: Number(r.mean),
    median: Number(r.median),
  }));
}
