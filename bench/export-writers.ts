/**
 * The two CSV writers of a DuckDB export side by side in one process (docs/performance.md, "Exports,
 * round 4"): `csvChunks` through the store without `streamChunks` (lines built in SQL, csv-sql.ts)
 * and with it (typed columns, lines written in csv-lines.ts), alternating; seconds, rows/s, bytes.
 *
 *   node --import tsx bench/export-writers.ts STORE.duckdb ACCOUNT [sql,code,sql,code]
 */
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import { parseQuery } from '../src/query/parse-query.js';
import { csvChunks } from '../src/report/records.js';
import { isValidTimeZone, parseCallTime } from '../src/time/index.js';
import { ZoneService } from '../src/zones/zone-service.js';
import type { Store } from '../src/store/store.js';
const [file, account] = process.argv.slice(2);
const store = new DuckDBStore(file, {});
await store.init();
const zones = await ZoneService.open(store, undefined);
const parsed = parseQuery(
  { filters: [], timezone: 'Pacific/Auckland' },
  { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, tz) => parseCallTime(v, tz, 'dmy') },
);
const old = new Proxy(store, {
  get(t, p) {
    if (p === 'streamChunks') return undefined;
    const v = Reflect.get(t, p, t);
    return typeof v === 'function' ? v.bind(t) : v;
  },
}) as Store;
for (const m of (process.argv[4] ?? 'sql,code').split(',')) {
  const t = performance.now();
  let b = 0;
  for await (const c of csvChunks(m === 'code' ? store : old, zones, account, parsed, 'dmy')) b += c.length;
  const s = (performance.now() - t) / 1000;
  console.log(m, s.toFixed(2), 's', b, 'bytes, load', (await import('node:os')).loadavg()[0].toFixed(1));
}
await store.close();
