import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Zone } from '../../src/core/zone.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { chdbDir } from '../helpers/chdb.js';
import { startClickHouse, startClickHouseCluster } from '../helpers/clickhouse-server.js';
import { freshStore } from '../helpers/store.js';
import { compareEngines, makeCalls, pickZones } from './clickhouse-query-cases.js';

// The same calls in DuckDB and in ClickHouse (one server, then a two-shard cluster): every statistics
// and records answer of the API must be identical.
describe('ClickHouse answers exactly as DuckDB', () => {
  let duck: Awaited<ReturnType<typeof freshStore>>;
  let zones: Zone[];
  before(async () => {
    duck = await freshStore();
    zones = pickZones(await duck.store.listZones());
    const calls = makeCalls(zones);
    assert.deepEqual(await duck.store.insertCalls(calls), { inserted: calls.length, duplicates: 0 });
  });
  after(() => duck?.cleanup());

  async function check(url: string): Promise<void> {
    const ch = new ClickHouseStore(url);
    try {
      await ch.init();
      await ch.saveZones(zones);
      const calls = makeCalls(zones);
      assert.deepEqual(await ch.insertCalls(calls), { inserted: calls.length, duplicates: 0 });
      const compared = await compareEngines(duck.store, ch, duck.zones, zones);
      assert.ok(compared > 200);
    } finally {
      await ch.close();
    }
  }

  test('single server: statistics for every period, zone, grouping, filter and metric; records pages and stream', async () => {
    const server = await startClickHouse();
    try {
      await check(`clickhouse://127.0.0.1:${server.httpPort}/callstats`);
    } finally {
      await server.stop();
    }
  });

  test('chdb: (ClickHouse 26.x in-process): the same answers, zone joins included', async () => {
    const dir = chdbDir();
    try {
      await check(dir.url);
    } finally {
      dir.cleanup();
    }
  });

  test('two-shard cluster: the same answers through Distributed tables', async () => {
    const cluster = await startClickHouseCluster();
    try {
      const hosts = cluster.urls.map((u) => new URL(u).host).join(',');
      await check(`clickhouse://${new URL(cluster.urls[0]).host}/callstats?cluster=${cluster.cluster}&hosts=${hosts}`);
    } finally {
      await cluster.stop();
    }
  });
});
