/**
 * The "fresh data" leg (issue 16): the per-account questions on a store, then again after 10 %
 * more calls arrived over HTTP (before any maintenance), after one maintenance step, and after a
 * restart; each figure is a median, and the ratios to the restarted store are printed.
 *
 *   node --import tsx bench/fresh-data.ts STORE.duckdb CDRS.ndjson META.json [fraction] [runs]
 *
 * STORE is copied first (the original is not changed). The extra calls are the file's first
 * `fraction` × (stored calls) CDRs under new call ids, so they follow the data set's own shape.
 */
import { copyFileSync, createReadStream, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createApiKey } from '../src/accounts/tokens.js';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/core/config.js';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import { ZoneService } from '../src/zones/zone-service.js';
import type { Dataset } from './lib/dataset.js';
import { casePath, queryMix } from './lib/query-mix.js';

const [source, ndjson, metaFile, fractionArg = '0.1', runsArg = '15'] = process.argv.slice(2);
const runs = Number(runsArg);
const file = `${source}.fresh-${process.pid}.duckdb`;
copyFileSync(source, file);
const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Dataset;
const cases = queryMix(meta, []).filter((c) => c.scope === 'account' && c.id !== 'zones-500');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let store = undefined as unknown as DuckDBStore;
let app: Awaited<ReturnType<typeof buildApp>>;
let base = '';
let token = '';
const config = { ...loadConfig({}), rateLimit: 0 };
async function open(): Promise<void> {
  store = new DuckDBStore(file, { memoryLimit: '2GB' });
  await store.init();
  app = await buildApp({ store, zones: await ZoneService.open(store, undefined), config });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  token ||= (await createApiKey(store, '*', 'fresh-data bench')).token;
}
async function close(): Promise<void> {
  await app.close();
  await store.close();
}
const get = async (path: string) => {
  const r = await fetch(base + path, { headers: { 'X-Auth-Token': token } });
  if (r.status !== 200) throw new Error(`${r.status} ${await r.text()}`);
  return r.text();
};
/** p50 per case, the cases alternating so load drifts hit them alike. */
async function timeCases(): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.id, []]));
  // Three warm-up rounds: a restarted store starts with an empty buffer cache.
  for (let i = 0; i < 3; i++) for (const c of cases) await get(casePath(c));
  for (let i = 0; i < runs; i++) {
    for (const c of cases) {
      const t = performance.now();
      await get(casePath(c));
      times[c.id].push(performance.now() - t);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

await open();
const stored = await store.countCalls();
const extra = Math.round(stored * Number(fractionArg));
const compacted = await timeCases();

// 10 % more calls over HTTP, batches of 1,000 CDRs per account.
const byAccount = new Map<string, Record<string, unknown>[]>();
let sent = 0;
let ingestMs = 0;
let worstMs = 0;
const flush = async (account: string, batch: Record<string, unknown>[]) => {
  const t = performance.now();
  const r = await fetch(`${base}/v2/accounts/${account}/call_statistics/cdrs`, {
    method: 'POST',
    headers: { 'X-Auth-Token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ data: batch }),
  });
  if (r.status !== 200) throw new Error(`${r.status} ${await r.text()}`);
  await r.text();
  const ms = performance.now() - t;
  ingestMs += ms;
  worstMs = Math.max(worstMs, ms);
};
for await (const line of createInterface({ input: createReadStream(ndjson) })) {
  if (sent >= extra) break;
  const cdr = JSON.parse(line) as Record<string, unknown> & { custom_channel_vars: { account_id: string } };
  cdr.call_id = `${String(cdr.call_id)}-fresh`;
  const account = cdr.custom_channel_vars.account_id;
  const batch = byAccount.get(account) ?? [];
  batch.push(cdr);
  sent++;
  if (batch.length === 1000) {
    byAccount.delete(account);
    await flush(account, batch);
  } else byAccount.set(account, batch);
}
for (const [account, batch] of byAccount) await flush(account, batch);
const fresh = await timeCases();
const unsorted = await store.unsortedCalls();
const step = await store.compact();
const maintained = await timeCases();
await close();
await open();
const restarted = await timeCases();
await close();
rmSync(file, { force: true });
rmSync(`${file}.wal`, { force: true });

console.log(
  `${stored} stored calls; ${sent} more over HTTP in ${(ingestMs / 1000).toFixed(1)} s of requests (${Math.round(sent / (ingestMs / 1000))} CDRs/s, worst request ${worstMs.toFixed(0)} ms); ${unsorted} in the tail; maintenance step ${step.rows} calls in ${step.seconds.toFixed(2)} s`,
);
console.log(
  '| question | before the extra calls | fresh (no maintenance) | after one step | after restart | fresh ÷ restart | step ÷ restart |',
);
console.log('|---|---|---|---|---|---|---|');
for (const c of cases) {
  const r = restarted[c.id];
  console.log(
    `| ${c.id} | ${compacted[c.id].toFixed(1)} ms | ${fresh[c.id].toFixed(1)} ms | ${maintained[c.id].toFixed(1)} ms | ${r.toFixed(1)} ms | ×${(fresh[c.id] / r).toFixed(2)} | ×${(maintained[c.id] / r).toFixed(2)} |`,
  );
}
