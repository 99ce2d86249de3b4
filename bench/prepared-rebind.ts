/**
 * What a bound parameter costs DuckDB (docs/performance.md, "Round 6"): the raw path's statement
 * for one account's month (statsRowsQuery, as statistics() builds it), prepared once and run
 * again and again, with its values bound as parameters and with the same values written as
 * literals, alternating; p50 ms. DuckDB plans a statement with parameters again at every run (so
 * the values can prune row groups); one with literals runs its plan as prepared.
 *
 *   node --import tsx bench/prepared-rebind.ts STORE.duckdb META.json [runs] [smallest|median|largest]
 */
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { parseQuery } from '../src/query/parse-query.js';
import { getDialect } from '../src/sql/dialects.js';
import { statsRowsQuery } from '../src/sql/stats-sql.js';
import { isValidTimeZone, offsetSegments, parseCallTime } from '../src/time/index.js';
import { accountOf, APRIL_BY_UNANSWERED } from './lib/month-question.js';

const [file, metaFile, runsArg = '300', which = 'smallest'] = process.argv.slice(2);
const account = accountOf(metaFile, which);
const parsed = parseQuery(APRIL_BY_UNANSWERED, {
  defaultTimezone: 'UTC',
  isValidTimeZone,
  parseTime: (v, t) => parseCallTime(v, t, 'dmy'),
});
const lo = Date.UTC(2025, 2, 31, 11) / 1000;
const hi = Date.UTC(2025, 3, 30, 12) / 1000;
const query = statsRowsQuery(
  {
    account,
    filters: parsed.filters,
    grouping: parsed.grouping,
    period: 'hourly',
    weekStart: 'monday',
    segments: offsetSegments('Pacific/Auckland', lo, hi + 1),
    range: [lo, hi],
    spec: { grouped: true, answered: false, billing: false, percentiles: false, calls: false },
  },
  getDialect('duckdb'),
  50_001,
);
const params = query.params as DuckDBValue[];
// The literal form: each $n replaced by its value (a test of the engine, never how callstats runs SQL).
const literal = query.sql.replace(/\$(\d+)/g, (_m, n: string) => {
  const v = params[Number(n) - 1];
  return typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v);
});
const instance = await DuckDBInstance.create(file, {
  threads: '2',
  memory_limit: '2GB',
  preserve_insertion_order: 'false',
  access_mode: 'READ_ONLY',
});
const c = await instance.connect();
const bound = await c.prepare(query.sql);
const inlined = await c.prepare(literal);
const ms: Record<'parameters' | 'literals', number[]> = { parameters: [], literals: [] };
let rows = 0;
for (let i = 0; i < Number(runsArg) + 20; i++) {
  let t = performance.now();
  bound.bind(params);
  rows = (await bound.run()).rowCount;
  if (i >= 20) ms.parameters.push(performance.now() - t);
  t = performance.now();
  const r = (await inlined.run()).rowCount;
  if (i >= 20) ms.literals.push(performance.now() - t);
  if (r !== rows) throw new Error(`${r} rows with literals, ${rows} with parameters`);
}
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(3);
console.log(`${which} account, ${rows} rows: parameters p50 ${p50(ms.parameters)} ms, literals p50 ${p50(ms.literals)} ms`);
