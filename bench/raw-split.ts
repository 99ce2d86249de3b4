/**
 * Where the raw path's time goes (docs/performance.md, "Round 4: columns"): for a few questions,
 * p50 of Store.allAtMost (the engine's scan, materialised) and of aggregateRows (TypeScript) apart,
 * and beside them, alternating in the same runs, allAtMost of the same rows read through the
 * `calls` view instead of one branch per table (docs/performance.md, "Round 5: raw rows per
 * table"); the two must aggregate to the same rows.
 *   node --import tsx bench/raw-split.ts STORE.duckdb META.json [runs]
 */
import { deepStrictEqual } from 'node:assert';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../src/core/config.js';
import { parseQuery } from '../src/query/parse-query.js';
import { aggregateRows } from '../src/report/aggregate-rows.js';
import { getDialect } from '../src/sql/dialects.js';
import { statsRowsQuery } from '../src/sql/stats-sql.js';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import { isValidTimeZone, offsetSegments, parseCallTime } from '../src/time/index.js';

const [file, metaFile, runsArg = '15'] = process.argv.slice(2);
const accounts = (JSON.parse(readFileSync(metaFile, 'utf8')) as { accounts: { id: string; calls: number }[] }).accounts
  .slice()
  .sort((a, b) => b.calls - a.calls);
const pick = { largest: accounts[0].id, median: accounts[Math.floor(accounts.length / 2)].id, smallest: accounts[accounts.length - 1].id };
const tz = 'Pacific/Auckland';
const range = (from: string, to: string) => [
  { name: 'call_time', op: '>=', val: from },
  { name: 'call_time', op: '<', val: to },
];
const month = range('00:00:00 01/04/2025', '00:00:00 01/05/2025');
const year = range('00:00:00 01/01/2025', '00:00:00 01/01/2026');
const questions = [
  { name: 'smallest month hourly by unanswered', account: pick.smallest, period: 'hourly', filters: month, grouping: 'unanswered' },
  { name: 'median month hourly by unanswered', account: pick.median, period: 'hourly', filters: month, grouping: 'unanswered' },
  { name: 'largest month hourly by unanswered', account: pick.largest, period: 'hourly', filters: month, grouping: 'unanswered' },
  { name: 'largest month hourly', account: pick.largest, period: 'hourly', filters: month },
  { name: 'largest year daily', account: pick.largest, period: 'daily', filters: year },
];
const store = new DuckDBStore(file, { memoryLimit: '2GB', threads: 2 });
await store.init();
const config = loadConfig({});
const dialect = getDialect(store.dialect);
// The same dialect without its tables: the rows are read through the `calls` view (before round 5).
const viewDialect = Object.create(dialect, { callsTables: { value: undefined } }) as typeof dialect;
for (const qu of questions) {
  const parsed = parseQuery(
    { filters: qu.filters, grouping: qu.grouping, timezone: tz },
    { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, t) => parseCallTime(v, t, 'dmy') },
  );
  const lo = parseCallTime(qu.filters[0].val, tz, 'dmy') as number;
  const hi = (parseCallTime(qu.filters[1].val, tz, 'dmy') as number) - 1;
  const spec = { grouped: qu.grouping !== undefined, answered: false, billing: false, percentiles: false, calls: false };
  const input = {
    account: qu.account,
    filters: parsed.filters,
    grouping: parsed.grouping,
    period: qu.period as 'hourly',
    weekStart: config.weekStart,
    segments: offsetSegments(tz, lo, hi + 1),
    range: [lo, hi] as [number, number],
    spec,
  };
  const sql = statsRowsQuery(input, dialect, 1e7);
  const viewSql = statsRowsQuery(input, viewDialect, 1e7);
  if (viewSql.sql === sql.sql) throw new Error('the view query is the per-table one');
  const [read, agg, viewRead] = [[] as number[], [] as number[], [] as number[]];
  let rows = 0;
  for (let i = 0; i < Number(runsArg) + 2; i++) {
    const t0 = performance.now();
    const chunks = (await store.allAtMost!(sql, 1e7))!;
    const t1 = performance.now();
    const out = aggregateRows(chunks, spec);
    const t2 = performance.now();
    const viewChunks = (await store.allAtMost!(viewSql, 1e7))!;
    const t3 = performance.now();
    rows = chunks.reduce((n, c) => n + c.rowCount, 0);
    if (i >= 2) (read.push(t1 - t0), agg.push(t2 - t1), viewRead.push(t3 - t2));
    if (!out.length) throw new Error('no rows');
    if (i === 0) deepStrictEqual(aggregateRows(viewChunks, spec), out);
  }
  const p50 = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  const f = (x: number) => x.toFixed(2).padStart(7);
  console.log(
    `allAtMost ${f(p50(read))} ms (view ${f(p50(viewRead))} ms, ×${(p50(read) / p50(viewRead)).toFixed(2)})  aggregateRows ${f(p50(agg))} ms  ${rows} rows  ${qu.name}`,
  );
}
await store.close();
