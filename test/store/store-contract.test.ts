import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Call } from '../../src/core/call.js';
import type { Zone } from '../../src/core/zone.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import type { Store } from '../../src/store/store.js';
import { startClickHouse, type ClickHouseServer } from '../helpers/clickhouse-server.js';
import { makeCall } from './clickhouse-fixtures.js';

// What every engine promises at the Store boundary, run on a DuckDB file and on a real ClickHouse server.

const zone = (id: number, over: Partial<Zone> = {}): Zone => ({
  id,
  prefix: `6434${id}`,
  country: 'New Zealand',
  description: `Place ${id}`,
  source: 'default',
  active: true,
  ...over,
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const engines: { name: string; open(): Promise<Store> }[] = [];
let dir: string;
let server: ClickHouseServer;
const stores: Store[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callstats-contract-'));
  server = await startClickHouse();
});

after(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

engines.push(
  {
    name: 'DuckDB',
    async open() {
      const store = new DuckDBStore(join(dir, 'contract.duckdb'));
      await store.init();
      stores.push(store);
      return store;
    },
  },
  {
    name: 'ClickHouse',
    async open() {
      const store = new ClickHouseStore(`clickhouse://127.0.0.1:${server.httpPort}/contract`);
      await store.init();
      stores.push(store);
      return store;
    },
  },
);

for (const engine of engines) {
  describe(`the Store contract on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
    });

    test('saveZones: a known id takes the new description, source and active; prefix and country stay', async () => {
      await store.saveZones([zone(1), zone(2), zone(3)]);
      // A rate deck re-imported over default zones (zones/ids.ts): the zones it takes over become custom.
      await store.saveZones([
        zone(1, { source: 'custom' }),
        zone(2, { source: 'custom', description: 'Renamed', active: false }),
        zone(3, { prefix: '999', country: 'Elsewhere' }),
      ]);
      assert.deepEqual(await store.listZones(), [
        zone(1, { source: 'custom' }),
        zone(2, { source: 'custom', description: 'Renamed', active: false }),
        zone(3),
      ]);
      // And back: a default rebuild that takes a zone over again makes it default.
      await store.saveZones([zone(1)]);
      assert.deepEqual((await store.listZones())[0], zone(1));
    });

    test('exportCalls streams one account as Calls in (call_time, call_id) order, nulls and booleans exact', async () => {
      const calls: Call[] = [
        makeCall('acc-export', 3, { call_time: 1457078400, call_id: 'b' }),
        makeCall('acc-export', 1, { call_time: 1457078400, call_id: 'a', caller_id_name: null, hangup_cause: null }),
        makeCall('acc-export', 0, { call_time: 1457000000, unanswered: true, ringing_seconds: null, caller_zone_id: 7 }),
        makeCall('acc-other', 5),
      ];
      assert.deepEqual(await store.insertCalls(calls), { inserted: 4, duplicates: 0 });
      assert.deepEqual(await collect(store.exportCalls('acc-export')), [calls[2], calls[1], calls[0]]);
      assert.deepEqual(await collect(store.exportCalls('acc-none')), []);
    });

    test('accountCounts lists every account with its calls, ordered by account id', async () => {
      assert.deepEqual(await store.accountCounts(), [
        { account: 'acc-export', calls: 3 },
        { account: 'acc-other', calls: 1 },
      ]);
    });

    test('rows leave the store canonical: 64-bit integers as numbers, NULL as null, text as strings', async () => {
      const rows = await store.all({
        sql: `SELECT account_id, count(*) AS n, sum(call_time) AS t, max(caller_id_name) AS name, min(ringing_seconds) AS r
              FROM calls WHERE account_id = 'acc-export' AND ringing_seconds IS NULL GROUP BY account_id`,
        params: [],
      });
      assert.deepEqual(rows, [{ account_id: 'acc-export', n: 1, t: 1457000000, name: 'Caller 0', r: null }]);
      const streamed = await collect(store.stream({ sql: `SELECT count(*) AS n FROM calls`, params: [] }));
      assert.deepEqual(streamed, [{ n: 4 }]);
    });

    test('store.all binds `?` placeholders in order, a hostile value staying a value (the spelling SQL above the store uses)', async () => {
      const sql = `SELECT count(*) AS n, ? AS a, '?' AS q FROM calls WHERE account_id = ? AND caller_id_name = ?`;
      assert.deepEqual(await store.all({ sql, params: ["it's", 'acc-export', 'Caller 0'] }), [{ n: 1, a: "it's", q: '?' }]);
      assert.deepEqual(await store.all({ sql, params: ['x', "acc-export' OR '1'='1", 'Caller 0'] }), [{ n: 0, a: 'x', q: '?' }]);
    });
  });
}
