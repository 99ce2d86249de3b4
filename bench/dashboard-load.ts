/**
 * 32 clients on dashboard-shaped per-account questions (docs/performance.md, "32 clients"): every
 * account of the data set, one month each of several, hourly and daily, no grouping or one of
 * several, against a real `callstats serve` child on STORE, once with the answer cache and once
 * with `Cache-Control: no-cache` on every request (bench/lib/concurrency.ts's `httpLoad`).
 *
 *   node --import tsx bench/dashboard-load.ts STORE.duckdb META.json [seconds] [connections] [--root DIR]
 *
 * `--root DIR` serves from another checkout (an older commit, for before/after in the same load).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createApiKey } from '../src/accounts/tokens.js';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import { httpLoad } from './lib/concurrency.js';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? args.splice(rootAt, 2)[1] : process.cwd();
const [file, metaFile, secondsArg = '20', connectionsArg = '32'] = args;
const seconds = Number(secondsArg);
const connections = Number(connectionsArg);
const accounts = (JSON.parse(readFileSync(metaFile, 'utf8')) as { accounts: { id: string }[] }).accounts.map((a) => a.id);

// One month (April 2025, as bench/lib/query-mix.ts): every account's dashboard asks it every minute.
const MONTHS = ['04'];
const GROUPINGS = [undefined, 'unanswered', 'call_direction'];
const paths: string[] = [];
for (const account of accounts)
  for (const m of MONTHS)
    for (const period of ['hourly', 'daily'])
      for (const grouping of GROUPINGS) {
        const q = {
          filters: [
            { name: 'call_time', op: '>=', val: `00:00:00 01/${m}/2025` },
            { name: 'call_time', op: '<', val: `00:00:00 01/${String(Number(m) + 1).padStart(2, '0')}/2025` },
          ],
          timezone: 'Pacific/Auckland',
          ...(grouping ? { grouping } : {}),
        };
        paths.push(`/v2/accounts/${account}/call_statistics/${period}?q=${encodeURIComponent(JSON.stringify(q))}`);
      }
// Shuffled once (fixed seed) so neighbouring clients ask different accounts.
let seed = 7;
for (let i = paths.length - 1; i > 0; i--) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  const j = seed % (i + 1);
  [paths[i], paths[j]] = [paths[j], paths[i]];
}

const keyStore = new DuckDBStore(file);
await keyStore.init();
const { token } = await createApiKey(keyStore, '*', 'dashboard-load');
await keyStore.close();

const port = 18_000 + (process.pid % 1000);
const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'serve'], {
  cwd: root,
  env: {
    ...process.env,
    CALLSTATS_STORE: `duckdb:${file}`,
    CALLSTATS_PORT: String(port),
    CALLSTATS_RATE_LIMIT: '0',
    CALLSTATS_LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/readyz`)).ok) break;
  } catch {
    /* not listening yet */
  }
  if (i > 600) throw new Error('serve did not start');
  await new Promise((r) => setTimeout(r, 200));
}

try {
  // One pass first, each question once: the figures are of a warm server whose cache (when it has one)
  // holds what the dashboards asked a minute ago, and no start-up step runs during the timed phases.
  for (const path of paths) await (await fetch(base + path, { headers: { 'X-Auth-Token': token } })).arrayBuffer();
  for (const [label, headers] of [
    ['no-cache', { 'Cache-Control': 'no-cache' }],
    ['cached', {}],
  ] as const) {
    const r = await httpLoad(base, paths, token, connections, seconds, headers);
    console.log(
      `${label.padEnd(9)} ${connections} clients ${paths.length} questions: ${r.rps.toFixed(1)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}`,
    );
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
