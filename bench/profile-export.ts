/**
 * Where an export's time goes (docs/performance.md): one account's whole CSV over HTTP, through
 * `csvChunks()` in-process (no HTTP), the packed typed columns it reads (round 4), and the engine alone (DuckDB's COPY of the same ordered rows
 * to /dev/null), with this process's peak RSS for each (VmHWM reset before each step).
 *
 * Each step also prints where the process's memory is (`split`): V8's heap, external and
 * ArrayBuffer memory, /proc/self/smaps_rollup's anonymous and file-backed RSS, and DuckDB's own
 * account of its memory (`duckdb_memory()`), so an RSS figure can be split between JS, DuckDB and the allocator.
 *
 *   node --expose-gc --import tsx bench/profile-export.ts STORE.duckdb ACCOUNT [MEMORY_LIMIT]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createApiKey } from '../src/accounts/tokens.js';
import { buildApp } from '../src/api/app.js';
import { loadConfig, SERVE_DUCKDB_MEMORY } from '../src/core/config.js';
import { parseQuery } from '../src/query/parse-query.js';
import { csvChunks } from '../src/report/records.js';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import { isValidTimeZone, parseCallTime } from '../src/time/index.js';
import { getDialect } from '../src/sql/dialects.js';
import { csvColumnsQuery, csvLinesQuery } from '../src/sql/csv-sql.js';
import { offsetSegments } from '../src/time/index.js';
import { ZoneService } from '../src/zones/zone-service.js';

const [file, account, memoryLimit = SERVE_DUCKDB_MEMORY] = process.argv.slice(2);
const MiB = 1024 * 1024;
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const resetHwm = () => writeFileSync('/proc/self/clear_refs', '5');

/** Where this process's memory is now, in MiB. */
async function split(label: string): Promise<void> {
  const m = process.memoryUsage();
  const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? NaN) * 1024;
  const duck = await store.all({
    sql: 'SELECT sum(memory_usage_bytes) AS used, sum(temporary_storage_bytes) AS tmp FROM duckdb_memory()',
    params: [],
  });
  const f = (b: number) => (b / MiB).toFixed(0);
  console.log(
    `  [${label}] rss ${f(m.rss)} = anon ${f(kb('Anonymous'))} + file ${f(kb('Rss') - kb('Anonymous'))}; V8 heap ${f(m.heapUsed)}/${f(m.heapTotal)}, external ${f(m.external)}, arrayBuffers ${f(m.arrayBuffers)}; DuckDB ${f(Number(duck[0].used))} (temp ${f(Number(duck[0].tmp))})`,
  );
}

const store = new DuckDBStore(file, { memoryLimit });
await store.init();
await split('store open');
global.gc?.();
const heapBeforeZones = process.memoryUsage().heapUsed;
const zones = await ZoneService.open(store, undefined);
global.gc?.();
console.log(`  zone table: ${((process.memoryUsage().heapUsed - heapBeforeZones) / MiB).toFixed(1)} MiB of V8 heap`);
await split('zones open');
const config = { ...loadConfig({}), rateLimit: 0 };
const app = await buildApp({ store, zones, config, controlToken: 'x' });
await app.listen({ port: 0, host: '127.0.0.1' });
await split('app listening');
const { port } = app.server.address() as { port: number };
const token = (await createApiKey(store, account)).token;
const q = { filters: [], timezone: 'Pacific/Auckland' };
const parsed = parseQuery(q, { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, tz) => parseCallTime(v, tz, 'dmy') });

async function step(name: string, fn: () => Promise<number>): Promise<void> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  resetHwm();
  const t = performance.now();
  const rows = await fn();
  const s = (performance.now() - t) / 1000;
  console.log(
    `${name.padEnd(34)} ${rows} rows in ${s.toFixed(2)} s = ${Math.round(rows / s)} rows/s; RSS before ${(before / MiB).toFixed(0)} MiB, peak ${(hwm() / MiB).toFixed(0)} MiB`,
  );
  await split('after');
}
const lines = (text: string) => text.split('\n').length - 1;
await step('HTTP GET …/cdrs (CSV)', async () => {
  const r = await fetch(`http://127.0.0.1:${port}/v2/accounts/${account}/call_statistics/csv?q=${encodeURIComponent(JSON.stringify(q))}`, {
    headers: { 'X-Auth-Token': token },
  });
  let n = 0;
  const dec = new TextDecoder();
  for await (const chunk of r.body!) n += lines(dec.decode(chunk as Uint8Array, { stream: true }));
  return n - 1;
});
await step('csvChunks() in-process', async () => {
  let n = 0;
  for await (const chunk of csvChunks(store, zones, account, parsed, 'dmy')) n += lines(chunk);
  return n - 1;
});
await step('engine: ordered rows, no text', async () => {
  const [row] = await store.all({
    sql: `SELECT count(*) AS n FROM (SELECT * FROM calls WHERE account_id = $1 ORDER BY call_time, call_id OFFSET 0)`,
    params: [account],
  });
  return Number(row.n);
});
const dialect = getDialect('duckdb');
const [lo, hi] = [1735689600 - 86400, 1767225600 + 86400];
const csvSql = csvLinesQuery(
  { account, filters: parsed.filters, segments: offsetSegments(q.timezone, lo, hi + 1), range: [lo, hi], format: 'kazoo', order: 'dmy' },
  dialect,
)!;
await step('engine: CSV lines built, not read', async () => {
  const [row] = await store.all({
    sql: `SELECT count(*) AS n, sum(length(line)) AS b FROM (${csvSql.sql} OFFSET 0)`,
    params: csvSql.params,
  });
  return Number(row.n);
});
await step('engine: CSV lines read as text', async () => {
  let n = 0;
  for await (const chunk of store.streamText(csvSql)) n += lines(chunk);
  return n;
});
// Round 4: the typed columns csvChunks now reads (one packed text a row), read but not formatted.
const columnsSql = csvColumnsQuery({ account, filters: parsed.filters, range: [lo, hi] }, dialect);
await step('engine: packed columns read', async () => {
  let n = 0;
  for await (const chunk of store.streamChunks(columnsSql)) {
    const v = chunk.getColumnVector(3);
    for (let r = 0; r < chunk.rowCount; r++) v.getItem(r);
    n += chunk.rowCount;
  }
  return n;
});
await app.close();
await store.close();
