import { startClickHouse } from './test/helpers/clickhouse-server.js';
import { ClickHouseStore } from './src/store/clickhouse/clickhouse-store.js';
import { makeCall } from './test/store/clickhouse-fixtures.js';
const s = await startClickHouse();
const store = new ClickHouseStore(`clickhouse://127.0.0.1:${s.httpPort}/bench`);
await store.init();
const BATCH = Number(process.argv[2] ?? 50000), TOTAL = 1_000_000;
const accounts = 20;
let t0 = Date.now(), inserted = 0, gen = 0;
for (let start = 0; start < TOTAL; start += BATCH) {
  const g = Date.now();
  const batch = Array.from({ length: BATCH }, (_, i) => makeCall(`acc-${(start + i) % accounts}`, start + i, { call_id: `c-${start + i}-a8f3e2b1c9d04e6f` }));
  gen += Date.now() - g;
  const r = await store.insertCalls(batch);
  inserted += r.inserted;
}
const ms = Date.now() - t0 - gen;
console.log(`batch ${BATCH}: ${inserted} in ${ms} ms (excl. ${gen} ms generation) = ${Math.round(inserted / ms * 1000)} CDR/s`);
t0 = Date.now();
const again = await store.insertCalls(Array.from({ length: BATCH }, (_, i) => makeCall(`acc-${i % accounts}`, i, { call_id: `c-${i}-a8f3e2b1c9d04e6f` })));
console.log('re-send batch', again, Date.now() - t0, 'ms');
console.log(await store.countCalls());
await store.close(); await s.stop();
