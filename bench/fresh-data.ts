/**
 * The "fresh data" leg (issue 16): the per-account questions on a store, then again right after
 * 10 % more calls arrived while `serve`'s background maintenance runs with its defaults
 * (CALLSTATS_MAINTENANCE_CALLS / _IDLE), once that maintenance has caught up (at most a minute
 * after the last call), and after a restart; each figure is a p50 over alternating runs.
 * Two legs, each on its own copy of STORE: the extra calls over HTTP (batches of 1,000 CDRs
 * per account), and over `import` into the running server's store (the path `callstats import`
 * takes through a running server ends in the same store.insertCalls of 100,000-call batches).
 *
 *   node --import tsx bench/fresh-data.ts STORE.duckdb CDRS.ndjson META.json [fraction] [runs]
 *
 * STORE is copied (the original is not changed). The extra calls are the file's first
 * `fraction` × (stored calls) CDRs under new call ids, so they follow the data set's own shape.
 * Human output goes to stderr; the last stdout line is `RESULT {json}`.
 */
import { copyFileSync, createReadStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { createApiKey } from '../src/accounts/tokens.js';
import { buildApp } from '../src/api/app.js';
import { startMaintenance } from '../src/cli/maintenance-loop.js';
import { runImport } from '../src/cli/import.js';
import { loadConfig } from '../src/core/config.js';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import { ZoneService } from '../src/zones/zone-service.js';
import type { Dataset } from './lib/dataset.js';
import { casePath, queryMix } from './lib/query-mix.js';

const [source, ndjson, metaFile, fractionArg = '0.1', runsArg = '15'] = process.argv.slice(2);
const runs = Number(runsArg);
const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Dataset;
const cases = queryMix(meta, []).filter((c) => c.scope === 'account' && c.id !== 'zones-500');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (line: string) => process.stderr.write(`${line}\n`);
const config = { ...loadConfig(process.env), rateLimit: 0 };
const CATCH_UP_MS = 60_000;

interface Server {
  store: DuckDBStore;
  base: string;
  close(): Promise<void>;
}
let token = '';
async function open(file: string): Promise<Server> {
  const store = new DuckDBStore(file, { memoryLimit: '2GB' });
  await store.init();
  const app = await buildApp({ store, zones: await ZoneService.open(store, undefined), config });
  await app.listen({ port: 0, host: '127.0.0.1' });
  token ||= (await createApiKey(store, '*', 'fresh-data bench')).token;
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return { store, base, close: async () => (await app.close(), await store.close()) };
}
async function get(s: Server, path: string): Promise<void> {
  const r = await fetch(s.base + path, { headers: { 'X-Auth-Token': token } });
  if (r.status !== 200) throw new Error(`${r.status} ${await r.text()}`);
  await r.text();
}
/** p50 per case, the cases alternating so load drifts hit them alike. */
async function timeCases(s: Server): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.id, []]));
  // Three warm-up rounds: a restarted store starts with an empty buffer cache.
  for (let i = 0; i < 3; i++) for (const c of cases) await get(s, casePath(c));
  for (let i = 0; i < runs; i++) {
    for (const c of cases) {
      const t = performance.now();
      await get(s, casePath(c));
      times[c.id].push(performance.now() - t);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/** The file's first `n` CDRs under new call ids (suffix `tag`). */
async function* extraCdrs(
  n: number,
  tag: string,
): AsyncGenerator<Record<string, unknown> & { custom_channel_vars: { account_id: string } }> {
  let sent = 0;
  for await (const line of createInterface({ input: createReadStream(ndjson) })) {
    if (sent++ >= n) break;
    const cdr = JSON.parse(line) as Record<string, unknown> & { custom_channel_vars: { account_id: string } };
    cdr.call_id = `${String(cdr.call_id)}-${tag}`;
    yield cdr;
  }
}

interface Ingested {
  seconds: number;
  worstMs: number;
}
async function overHttp(s: Server, n: number): Promise<Ingested> {
  const byAccount = new Map<string, Record<string, unknown>[]>();
  let worstMs = 0;
  const started = performance.now();
  const flush = async (account: string, batch: Record<string, unknown>[]) => {
    const t = performance.now();
    const r = await fetch(`${s.base}/v2/accounts/${account}/call_statistics/cdrs`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ data: batch }),
    });
    if (r.status !== 200) throw new Error(`${r.status} ${await r.text()}`);
    await r.text();
    worstMs = Math.max(worstMs, performance.now() - t);
  };
  for await (const cdr of extraCdrs(n, 'fresh-http')) {
    const account = cdr.custom_channel_vars.account_id;
    const batch = byAccount.get(account) ?? [];
    batch.push(cdr);
    if (batch.length === 1000) {
      byAccount.delete(account);
      await flush(account, batch);
    } else byAccount.set(account, batch);
  }
  for (const [account, batch] of byAccount) await flush(account, batch);
  return { seconds: (performance.now() - started) / 1000, worstMs };
}
async function overImport(s: Server, n: number, file: string): Promise<Ingested> {
  const lines: string[] = [];
  for await (const cdr of extraCdrs(n, 'fresh-import')) lines.push(JSON.stringify(cdr));
  writeFileSync(file, `${lines.join('\n')}\n`);
  // Each batch the import stores is one ingest request of the running server: its worst time.
  let worstMs = 0;
  const insert = s.store.insertCalls.bind(s.store);
  const timed = Object.create(s.store) as DuckDBStore;
  timed.insertCalls = async (calls) => {
    const t = performance.now();
    try {
      return await insert(calls);
    } finally {
      worstMs = Math.max(worstMs, performance.now() - t);
    }
  };
  const started = performance.now();
  await runImport({ store: timed, files: [file], json: true, workers: config.importWorkers });
  rmSync(file, { force: true });
  return { seconds: (performance.now() - started) / 1000, worstMs };
}

async function leg(name: 'http' | 'import') {
  const file = `${source}.fresh-${name}-${process.pid}.duckdb`;
  copyFileSync(source, file);
  token = ''; // each leg's copy gets its own key
  let s = await open(file);
  const stored = await s.store.countCalls();
  const extra = Math.round(stored * Number(fractionArg));
  const before = await timeCases(s);
  let stepSeconds = 0;
  const loop = startMaintenance(
    s.store,
    { calls: config.maintenanceCalls, idleMs: config.maintenanceIdleMs },
    log,
    (sec) => (stepSeconds += sec ?? 0),
  );
  const loadBefore = loadavg()[0];
  const ingested = name === 'http' ? await overHttp(s, extra) : await overImport(s, extra, `${file}.ndjson`);
  const arrived = performance.now();
  const fresh = await timeCases(s);
  // What a dashboard sees within a minute: maintenance has caught up (tail empty, no step running).
  while (performance.now() - arrived < CATCH_UP_MS && ((await s.store.unsortedCalls()) > 0 || loop.busy))
    await new Promise((r) => setTimeout(r, 500));
  const caughtUpSeconds = (performance.now() - arrived) / 1000;
  const tailLeft = await s.store.unsortedCalls();
  const afterStep = await timeCases(s);
  loop.stop();
  await loop.current();
  await s.close();
  s = await open(file);
  const afterRestart = await timeCases(s);
  await s.close();
  rmSync(file, { force: true });
  rmSync(`${file}.wal`, { force: true });
  const questions = Object.fromEntries(
    cases.map((c) => {
      const r = afterRestart[c.id];
      const q = { before: before[c.id], fresh: fresh[c.id], afterStep: afterStep[c.id], afterRestart: r };
      return [c.id, { ...q, freshOverRestart: fresh[c.id] / r, afterStepOverRestart: afterStep[c.id] / r }];
    }),
  );
  const result = {
    stored,
    extra,
    ingestCdrsPerSecond: Math.round(extra / ingested.seconds),
    worstIngestMs: Math.round(ingested.worstMs),
    stepSeconds: Number(stepSeconds.toFixed(2)),
    caughtUpSeconds: Number(caughtUpSeconds.toFixed(1)),
    tailLeft,
    loadavg: [Number(loadBefore.toFixed(1)), Number(loadavg()[0].toFixed(1))],
    questions,
  };
  log(
    `${name}: ${stored} stored calls, ${extra} more in ${ingested.seconds.toFixed(1)} s (${result.ingestCdrsPerSecond} CDRs/s, worst request ${result.worstIngestMs} ms); maintenance ${stepSeconds.toFixed(2)} s, caught up ${caughtUpSeconds.toFixed(1)} s after the last call (tail left ${tailLeft}); load ${result.loadavg.join(' → ')}`,
  );
  log('| question | before | fresh | maintained (≤ 1 min) | after restart | fresh ÷ restart | maintained ÷ restart |');
  log('|---|--:|--:|--:|--:|--:|--:|');
  for (const [id, q] of Object.entries(questions))
    log(
      `| ${id} | ${q.before.toFixed(1)} | ${q.fresh.toFixed(1)} | ${q.afterStep.toFixed(1)} | ${q.afterRestart.toFixed(1)} | ×${q.freshOverRestart.toFixed(2)} | ×${q.afterStepOverRestart.toFixed(2)} |`,
    );
  return result;
}

const http = await leg('http');
const viaImport = await leg('import');
console.log(`RESULT ${JSON.stringify({ runs, fraction: Number(fractionArg), http, import: viaImport })}`);
