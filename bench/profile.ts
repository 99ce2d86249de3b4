/**
 * Where a small request's time goes (docs/performance.md, "Profile"): one question timed whole over
 * HTTP, through Fastify's inject (no socket), as `statistics()` in-process, as its SQL through the
 * store, and as the bare DuckDB steps (prepare, execute, turn rows into objects). Medians of
 * alternating runs, so a loaded machine slows every layer alike.
 *
 *   node --import tsx bench/profile.ts STORE.duckdb ACCOUNT [hourly|daily] [runs]
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { createApiKey } from '../src/accounts/tokens.js';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/core/config.js';
import { parseQuery } from '../src/query/parse-query.js';
import { statistics } from '../src/report/statistics.js';
import { getDialect } from '../src/sql/dialects.js';
import { statsQuery } from '../src/sql/stats-sql.js';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import { isValidTimeZone, offsetSegments, parseCallTime, type Period } from '../src/time/index.js';
import { ZoneService } from '../src/zones/zone-service.js';
import { AnswerCache } from '../src/report/answer-cache.js';
import { clampCallTimeFilters } from '../src/report/time-bounds.js';
import { callTimeBounds } from '../src/query/call-time-bounds.js';

const [file, account, periodArg = 'hourly', runsArg = '60'] = process.argv.slice(2);
const period = periodArg as Period;
const runs = Number(runsArg);
const q = {
  filters: [
    { name: 'call_time', op: '>=', val: '00:00:00 01/04/2025' },
    { name: 'call_time', op: '<', val: '00:00:00 01/05/2025' },
  ],
  grouping: 'unanswered',
  timezone: 'Pacific/Auckland',
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// PROFILE_THREADS=N: DuckDB's threads (default 2, as serve).
const store = new DuckDBStore(file, { memoryLimit: '2GB', threads: Number(process.env.PROFILE_THREADS ?? 2) });
await store.init();
const zones = await ZoneService.open(store, undefined);
const config = { ...loadConfig({}), rateLimit: 0 };
// The answer cache as `serve` has it; the uncached steps send `Cache-Control: no-cache`, as the bench does.
const app = await buildApp({ store, zones, config, controlToken: 'x', answerCache: new AnswerCache(64 * 1024 * 1024) });
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address() as { port: number };
const token = (await createApiKey(store, account)).token;
const path = `/v2/accounts/${encodeURIComponent(account)}/call_statistics/${period}?q=${encodeURIComponent(JSON.stringify(q))}`;
const parsed = parseQuery(q, { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, tz) => parseCallTime(v, tz, 'dmy') });
const filters = clampCallTimeFilters(parsed.filters);
const [lo, hi] = callTimeBounds(filters);
const spec = { grouped: true, answered: false, billing: false, percentiles: false, calls: false };
const sql = statsQuery(
  {
    account,
    filters,
    grouping: parsed.grouping,
    period,
    weekStart: 'monday',
    segments: offsetSegments(q.timezone, lo, hi + 1),
    range: [lo, hi],
    spec,
  },
  getDialect('duckdb'),
);
// A second instance cannot open the file; the bare DuckDB steps run on a connection of the store's own.
const raw = await (store as unknown as { db: { instance: DuckDBInstance } }).db.instance.connect();

const steps: Record<string, () => Promise<unknown>> = {
  'HTTP (fetch, keep-alive)': async () => {
    const r = await fetch(`http://127.0.0.1:${addr.port}${path}`, { headers: { 'X-Auth-Token': token, 'Cache-Control': 'no-cache' } });
    return r.text();
  },
  'HTTP (fetch, answer cache hit)': async () => {
    const r = await fetch(`http://127.0.0.1:${addr.port}${path}`, { headers: { 'X-Auth-Token': token } });
    return r.text();
  },
  'Fastify inject (no socket)': async () =>
    (await app.inject({ url: path, headers: { 'X-Auth-Token': token, 'Cache-Control': 'no-cache' } })).body,
  'statistics() in-process': () => statistics(store, account, period, parsed, config),
  'JSON.stringify of the answer': async () => JSON.stringify({ data: await statistics(store, account, period, parsed, config) }),
  'store.all(stats SQL)': () => store.all(sql),
  'DuckDB prepare': async () => (await raw.prepare(sql.sql)).destroySync(),
  'DuckDB prepare+execute (no rows read)': async () => {
    const p = await raw.prepare(sql.sql);
    p.bind(sql.params as never);
    await p.run();
  },
  'DuckDB execute+getRowObjectsJS': async () => {
    const p = await raw.prepare(sql.sql);
    p.bind(sql.params as never);
    (await p.runAndReadAll()).getRowObjectsJS();
  },
};
// PROFILE_ONLY=<step name prefix> runs just that step (for --cpu-prof).
const only = process.env.PROFILE_ONLY;
if (only) for (const k of Object.keys(steps)) if (!k.startsWith(only)) delete steps[k];
const times: Record<string, number[]> = Object.fromEntries(Object.keys(steps).map((k) => [k, []]));
for (const fn of Object.values(steps)) for (let i = 0; i < 3; i++) await fn();
for (let i = 0; i < runs; i++)
  for (const [k, fn] of Object.entries(steps)) {
    const t = performance.now();
    await fn();
    times[k].push(performance.now() - t);
  }
const answer = await statistics(store, account, period, parsed, config);
const buckets = Object.keys(answer).length;
const entries = Object.values(answer).reduce((n, b) => n + 1 + Object.keys(b.groups ?? {}).length, 0);
const rows = (await store.all(sql)).length;
console.log(
  `${period} one month, account ${account}: ${buckets} buckets, ${entries} entries, ${rows} engine rows, ${JSON.stringify({ data: answer }).length} bytes of JSON`,
);
for (const [k, xs] of Object.entries(times)) console.log(`${k.padEnd(40)} p50 ${median(xs).toFixed(2)} ms`);
raw.closeSync();
await app.close();
await store.close();
