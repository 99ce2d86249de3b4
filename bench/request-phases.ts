/**
 * Where one statistics request's time goes (docs/performance.md, "Round 6"): the same question
 * asked through each layer in turn, alternating in one process, p50 of wall time and of the main
 * thread's busy time (event-loop utilisation): `statistics()` (store reads and aggregation), then
 * `statisticsAnswer()` (+ JSON, revision, account_empty), `app.inject` (+ Fastify: auth, query
 * parsing, envelope) and a real HTTP request to the listening app (+ sockets; the client is this
 * process too, so its parsing is counted).
 *
 *   node --import tsx bench/request-phases.ts STORE.duckdb META.json [runs] [smallest|median|largest]
 *
 * The question: April 2025, hourly by `unanswered`, Pacific/Auckland, uncached.
 */
import { performance } from 'node:perf_hooks';
import { createApiKey } from '../src/accounts/tokens.js';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/core/config.js';
import { parseQuery } from '../src/query/parse-query.js';
import { statisticsAnswer } from '../src/report/answer.js';
import { statistics } from '../src/report/statistics.js';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import { isValidTimeZone, parseCallTime } from '../src/time/index.js';
import { ZoneService } from '../src/zones/zone-service.js';
import { accountOf, APRIL_BY_UNANSWERED } from './lib/month-question.js';

const [file, metaFile, runsArg = '60', which = 'smallest'] = process.argv.slice(2);
const runs = Number(runsArg);
const account = accountOf(metaFile, which);
const q = APRIL_BY_UNANSWERED;
const store = new DuckDBStore(file, { memoryLimit: '2GB', threads: 2 });
await store.init();
const config = { ...loadConfig({}), rateLimit: 0 };
const { token } = await createApiKey(store, '*', 'request-phases');
const app = await buildApp({ store, zones: await ZoneService.open(store, undefined), config });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const parsed = parseQuery(q, { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, t) => parseCallTime(v, t, 'dmy') });
const url = `/v2/accounts/${account}/call_statistics/hourly?q=${encodeURIComponent(JSON.stringify(q))}`;
const headers = { 'x-auth-token': token, 'cache-control': 'no-cache' };
const phases: Record<string, () => Promise<unknown>> = {
  'statistics()': () => statistics(store, account, 'hourly', parsed, config),
  'statisticsAnswer()': () => statisticsAnswer(store, account, 'hourly', parsed, config),
  'app.inject': async () => {
    const r = await app.inject({ method: 'GET', url, headers });
    if (r.statusCode !== 200) throw new Error(r.body);
  },
  HTTP: async () => {
    const r = await fetch(address + url, { headers });
    if (r.status !== 200) throw new Error(await r.text());
    await r.arrayBuffer();
  },
};
const wall: Record<string, number[]> = {};
const busy: Record<string, number[]> = {};
for (let i = 0; i < runs + 3; i++)
  for (const [name, fn] of Object.entries(phases)) {
    const e0 = performance.eventLoopUtilization();
    const t = performance.now();
    await fn();
    const ms = performance.now() - t;
    const e = performance.eventLoopUtilization(e0);
    if (i >= 3) ((wall[name] ??= []).push(ms), (busy[name] ??= []).push(e.active));
  }
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(2);
console.log(`${which} account ${account}, ${runs} runs`);
for (const name of Object.keys(phases)) console.log(`${name.padEnd(20)} p50 ${p50(wall[name])} ms, main thread busy ${p50(busy[name])} ms`);
await app.close();
await store.close();
