/**
 * Where an export's time goes (docs/performance.md): one account's whole CSV over HTTP, through
 * `csvChunks()` in-process (no HTTP), and the engine alone (DuckDB's COPY of the same ordered rows
 * to /dev/null), with this process's peak RSS for each (VmHWM reset before each step).
 *
 *   node --import tsx bench/profile-export.ts STORE.duckdb ACCOUNT
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createApiKey } from '../src/accounts/tokens.js';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/core/config.js';
import { parseQuery } from '../src/query/parse-query.js';
import { csvChunks } from '../src/report/records.js';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import { isValidTimeZone, parseCallTime } from '../src/time/index.js';
import { getDialect } from '../src/sql/dialects.js';
import { csvLinesQuery } from '../src/sql/csv-sql.js';
import { offsetSegments } from '../src/time/index.js';
import { ZoneService } from '../src/zones/zone-service.js';

const [file, account] = process.argv.slice(2);
const MiB = 1024 * 1024;
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const resetHwm = () => writeFileSync('/proc/self/clear_refs', '5');

const store = new DuckDBStore(file, { memoryLimit: '2GB' });
await store.init();
const zones = await ZoneService.open(store, undefined);
const config = { ...loadConfig({}), rateLimit: 0 };
const app = await buildApp({ store, zones, config, controlToken: 'x' });
await app.listen({ port: 0, host: '127.0.0.1' });
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
await app.close();
await store.close();
