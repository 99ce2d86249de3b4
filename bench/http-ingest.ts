/**
 * HTTP ingest leg (issue 16): `callstats serve` (compiled like the harness does) on a store of N
 * calls takes M CDRs over `POST /v2/accounts/{id}/call_statistics/cdrs`, as a Kazoo forwarder or
 * `pull` would send them: one account per request, B CDRs a request, C clients at once.
 *
 *   node --import tsx bench/http-ingest.ts --cdrs FILE.ndjson [--store STORE.duckdb] [--count M]
 *        [--clients C] [--batch B] [--root DIR] [--work DIR] [--tsx]
 *
 *   --cdrs     NDJSON of Kazoo CDRs; the first M are posted under fresh call ids (`<id>-h<pid>`)
 *   --store    a DuckDB store to start from (copied, never changed); without it the whole --cdrs
 *              file is imported first with `callstats import` (so N = the file's CDRs); the copy
 *              is compacted (`callstats compact`) before `serve` starts
 *   --count    M, CDRs to post (default 200000)
 *   --clients  C, concurrent clients (default 4)
 *   --batch    B, CDRs per request (default 1000)
 *   --root     the callstats checkout whose src/ is compiled and served (default: this one), so an
 *              older commit can be measured with the same script
 *   --work     directory for the copied store (default: the OS temp dir); removed at the end; the build
 *              goes to the checkout's bench/out (packages resolve from its node_modules)
 *   --tsx      serve from source through tsx instead of compiling
 *
 * Human progress goes to stderr; the last stdout line is `RESULT {json}` with cdrsPerSecond,
 * worstRequestMs, p99RequestMs, stored, duplicates, peakServerMiB and loadavg.
 */
import { copyFileSync, createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { cliCompact, cliCreateKey, cliImport, cliServe, prepareCli } from './lib/callstats-cli.js';
import { resetPeak, watchMemory } from './lib/proc.js';
import { fmtInt, log } from './lib/progress.js';

const { values: flags } = parseArgs({
  options: {
    cdrs: { type: 'string' },
    store: { type: 'string' },
    count: { type: 'string', default: '200000' },
    clients: { type: 'string', default: '4' },
    batch: { type: 'string', default: '1000' },
    root: { type: 'string', default: resolve(import.meta.dirname, '..') },
    work: { type: 'string', default: tmpdir() },
    tsx: { type: 'boolean', default: false },
  },
});
if (!flags.cdrs)
  throw new Error('usage: bench/http-ingest.ts --cdrs FILE.ndjson [--store STORE.duckdb] [--count M] [--clients C] [--batch B]');
const count = Number(flags.count);
const clients = Number(flags.clients);
const batchSize = Number(flags.batch);
const work = mkdtempSync(join(flags.work!, 'callstats-http-ingest-'));
const store = join(work, 'store.duckdb');
// The build goes inside the checkout (removed at exit): compiled in a temp directory, `serve` could
// not resolve its packages from the checkout's node_modules.
const cli = prepareCli(flags.root!, join(flags.root!, 'bench', 'out', `http-ingest-build-${process.pid}`), flags.tsx ? 'tsx' : 'build');

/** The first `count` CDRs as request bodies, one account each, under fresh call ids. */
async function bodies(): Promise<{ account: string; body: string; n: number }[]> {
  const out: { account: string; body: string; n: number }[] = [];
  const open = new Map<string, string[]>();
  const flush = (account: string, batch: string[]) => out.push({ account, body: `{"data":[${batch.join(',')}]}`, n: batch.length });
  let read = 0;
  for await (const line of createInterface({ input: createReadStream(flags.cdrs!) })) {
    if (read >= count) break;
    if (!line.trim()) continue;
    const cdr = JSON.parse(line) as Record<string, unknown> & { custom_channel_vars: { account_id: string } };
    cdr.call_id = `${String(cdr.call_id)}-h${process.pid}`;
    const account = cdr.custom_channel_vars.account_id;
    const batch = open.get(account) ?? [];
    batch.push(JSON.stringify(cdr));
    read++;
    if (batch.length === batchSize) {
      open.delete(account);
      flush(account, batch);
    } else open.set(account, batch);
  }
  for (const [account, batch] of open) flush(account, batch);
  return out;
}

try {
  if (flags.store) copyFileSync(flags.store, store);
  else await cliImport(cli, `duckdb:${store}`, flags.cdrs, 'http-ingest: base store');
  if (existsSync(`${flags.store}.wal`)) copyFileSync(`${flags.store}.wal`, `${store}.wal`);
  // Sorted first, as a store that has been serving is: otherwise serve's first maintenance steps
  // (sorting the whole import) run during the measurement.
  await cliCompact(cli, `duckdb:${store}`, 'http-ingest: base store');
  const token = await cliCreateKey(cli, `duckdb:${store}`);
  const requests = await bodies();
  log(`http-ingest: ${fmtInt(requests.length)} requests of up to ${batchSize} CDRs, ${clients} clients`);
  const server = await cliServe(cli, `duckdb:${store}`, 'http-ingest');
  try {
    resetPeak(server.pid);
    const memory = watchMemory(server.pid);
    const times: number[] = [];
    let stored = 0;
    let duplicates = 0;
    let next = 0;
    const started = performance.now();
    const client = async (): Promise<void> => {
      while (next < requests.length) {
        const r = requests[next++];
        const t = performance.now();
        const res = await fetch(`${server.url}/v2/accounts/${r.account}/call_statistics/cdrs`, {
          method: 'POST',
          headers: { 'X-Auth-Token': token, 'content-type': 'application/json' },
          body: r.body,
        });
        const text = await res.text();
        times.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`POST ${r.account}: ${res.status} ${text.slice(0, 500)}`);
        const data = (JSON.parse(text) as { data: { accepted: number; duplicates: number } }).data;
        stored += data.accepted;
        duplicates += data.duplicates;
        if (times.length % 50 === 0) log(`http-ingest: ${fmtInt(stored)} stored`);
      }
    };
    await Promise.all(Array.from({ length: clients }, client));
    const seconds = (performance.now() - started) / 1000;
    const peak = memory.stop().peak;
    const sorted = [...times].sort((a, b) => a - b);
    const result = {
      cdrsPerSecond: Math.round((stored + duplicates) / seconds),
      worstRequestMs: Math.round(sorted[sorted.length - 1]),
      p99RequestMs: Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]),
      stored,
      duplicates,
      peakServerMiB: Math.round(peak / 2 ** 20),
      loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    };
    log(`http-ingest: ${fmtInt(stored)} stored in ${seconds.toFixed(1)} s`);
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    await server.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
