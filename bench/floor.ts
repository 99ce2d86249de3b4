/**
 * The uncached small-query floor (docs/performance.md, "Round 3: the floor"): dashboard-shaped
 * questions asked over HTTP with `Cache-Control: no-cache`, p50 of `runs` rounds (each round asks
 * every question once, so a loaded machine slows them alike). Run it from two checkouts on two
 * copies of one store, alternating, to compare them.
 *
 *   node --import tsx bench/floor.ts STORE.duckdb META.json [runs]
 *
 * With FLOOR_CHECK=1 it instead compares, in-process, every question's answer aggregated by the
 * engine (statsRowsMax 0) with the default path's, byte for byte.
 */
import { readFileSync } from 'node:fs';
import { createApiKey } from '../src/accounts/tokens.js';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/core/config.js';
import { parseQuery } from '../src/query/parse-query.js';
import { statistics } from '../src/report/statistics.js';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import { isValidTimeZone, parseCallTime } from '../src/time/index.js';
import { ZoneService } from '../src/zones/zone-service.js';

const [file, metaFile, runsArg = '30'] = process.argv.slice(2);
const runs = Number(runsArg);
const accounts = (JSON.parse(readFileSync(metaFile, 'utf8')) as { accounts: { id: string; calls: number }[] }).accounts
  .slice()
  .sort((a, b) => b.calls - a.calls);
const largest = accounts[0].id;
const medianAccount = accounts[Math.floor(accounts.length / 2)].id;
const smallest = accounts[accounts.length - 1].id;
const month = [
  { name: 'call_time', op: '>=', val: '00:00:00 01/04/2025' },
  { name: 'call_time', op: '<', val: '00:00:00 01/05/2025' },
];
const year = [
  { name: 'call_time', op: '>=', val: '00:00:00 01/01/2025' },
  { name: 'call_time', op: '<', val: '00:00:00 01/01/2026' },
];
const tz = 'Pacific/Auckland';
const questions: { name: string; account: string; period: string; q: Record<string, unknown> }[] = [
  {
    name: 'smallest month hourly by unanswered',
    account: smallest,
    period: 'hourly',
    q: { filters: month, grouping: 'unanswered', timezone: tz },
  },
  {
    name: 'median month hourly by unanswered',
    account: medianAccount,
    period: 'hourly',
    q: { filters: month, grouping: 'unanswered', timezone: tz },
  },
  {
    name: 'largest month hourly by unanswered',
    account: largest,
    period: 'hourly',
    q: { filters: month, grouping: 'unanswered', timezone: tz },
  },
  {
    name: 'smallest month daily, all metrics',
    account: smallest,
    period: 'daily',
    q: { filters: month, timezone: tz, metrics: ['answered', 'asr', 'acd', 'billing_seconds', 'percentiles', 'calls'] },
  },
  {
    name: 'median month daily by call_direction',
    account: medianAccount,
    period: 'daily',
    q: { filters: month, grouping: 'call_direction', timezone: tz },
  },
  { name: 'largest year daily', account: largest, period: 'daily', q: { filters: year, timezone: tz } },
  { name: 'median month hourly', account: medianAccount, period: 'hourly', q: { filters: month, timezone: tz } },
  { name: 'largest month hourly', account: largest, period: 'hourly', q: { filters: month, timezone: tz } },
  {
    name: 'largest month daily by unanswered',
    account: largest,
    period: 'daily',
    q: { filters: month, grouping: 'unanswered', timezone: tz },
  },
  {
    name: "largest year daily, caller_id_name like '%SON%'",
    account: largest,
    period: 'daily',
    q: { filters: [...year, { name: 'caller_id_name', op: 'like', val: '%SON%' }], timezone: tz },
  },
];

const store = new DuckDBStore(file, { memoryLimit: '2GB', threads: 2 });
await store.init();
const config = { ...loadConfig({}), rateLimit: 0 };

if (process.env.FLOOR_CHECK) {
  let bad = 0;
  for (const qu of questions) {
    for (const metrics of [undefined, ['answered', 'asr', 'acd', 'billing_seconds', 'percentiles', 'calls']]) {
      for (const grouping of [undefined, 'unanswered', 'call_direction', 'hangup_cause', 'callee_zone_id', 'callee_region']) {
        const q = { ...qu.q, grouping, ...(metrics ? { metrics } : {}) };
        const parsed = parseQuery(q, { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, t) => parseCallTime(v, t, 'dmy') });
        const engine = JSON.stringify(await statistics(store, qu.account, qu.period as never, parsed, { ...config, statsRowsMax: 0 }));
        const raw = JSON.stringify(await statistics(store, qu.account, qu.period as never, parsed, { ...config, statsRowsMax: 1e7 }));
        const same = engine === raw;
        if (!same) bad++;
        console.log(
          `${same ? 'same' : 'DIFFERENT'} ${engine.length} bytes: ${qu.name} grouping=${grouping} metrics=${metrics ? 'all' : '-'}`,
        );
      }
    }
  }
  await store.close();
  process.exit(bad ? 1 : 0);
}

if (process.env.FLOOR_PATHS) {
  // statistics() in-process on each path, alternating: where raw rows stop paying (the threshold).
  // FLOOR_LIMITS=0,5000,... chooses the limits; FLOOR_ONLY=text keeps the questions whose name has it.
  const limits = (process.env.FLOOR_LIMITS ?? '0,5000,20000,50000,200000,10000000').split(',').map(Number);
  for (const qu of questions.filter((x) => x.name.includes(process.env.FLOOR_ONLY ?? ''))) {
    const parsed = parseQuery(qu.q, { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, t) => parseCallTime(v, t, 'dmy') });
    // Wall time, and the process's CPU time (all its threads, DuckDB's included): on a loaded
    // machine the CPU a request costs is the steadier figure, and what 32 clients on 2 cores pay.
    const ts = limits.map(() => [] as number[]);
    const cpu = limits.map(() => [] as number[]);
    for (let i = 0; i < runs + 2; i++)
      for (const [k, statsRowsMax] of limits.entries()) {
        const c = process.cpuUsage();
        const t = performance.now();
        await statistics(store, qu.account, qu.period as never, parsed, { ...config, statsRowsMax });
        const used = process.cpuUsage(c);
        if (i >= 2) (ts[k].push(performance.now() - t), cpu[k].push((used.user + used.system) / 1000));
      }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(2);
    const p50 = ts.map((xs, k) => `${median(xs).padStart(7)} (cpu ${median(cpu[k]).padStart(6)})`);
    const answer = await statistics(store, qu.account, qu.period as never, parsed, { ...config, statsRowsMax: 0 });
    const calls = Object.values(answer).reduce((n, b) => n + b.total, 0);
    console.log(`${limits.map((l, k) => `${l === 1e7 ? 'raw' : l}: ${p50[k]}`).join('  ')} ms  ${qu.name} (${calls} calls)`);
  }
  await store.close();
  process.exit(0);
}

const zones = await ZoneService.open(store, undefined);
const app = await buildApp({ store, zones, config, controlToken: 'x' });
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
const tokens = new Map<string, string>();
for (const a of new Set(questions.map((x) => x.account))) tokens.set(a, (await createApiKey(store, a)).token);
const ask = async (qu: (typeof questions)[number]) => {
  const path = `/v2/accounts/${qu.account}/call_statistics/${qu.period}?q=${encodeURIComponent(JSON.stringify(qu.q))}`;
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { 'X-Auth-Token': tokens.get(qu.account)!, 'Cache-Control': 'no-cache' },
  });
  if (r.status !== 200) throw new Error(`${qu.name}: HTTP ${r.status}`);
  return r.text();
};
const times = questions.map(() => [] as number[]);
for (const qu of questions) for (let i = 0; i < 3; i++) await ask(qu);
for (let i = 0; i < runs; i++)
  for (const [k, qu] of questions.entries()) {
    const t = performance.now();
    await ask(qu);
    times[k].push(performance.now() - t);
  }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [k, qu] of questions.entries()) console.log(`${median(times[k]).toFixed(2).padStart(8)} ms  ${qu.name}`);
await app.close();
await store.close();
