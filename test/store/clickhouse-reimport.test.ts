import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { syntheticCdrs } from '../../src/demo/synthetic-cdrs.js';
import { ingestRecords, readRecordBatches } from '../../src/ingest/index.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { startClickHouse, startClickHouseCluster } from '../helpers/clickhouse-server.js';
import { freshStore } from '../helpers/store.js';

// Re-importing the same CDRs into ClickHouse changes no count: through the ingest path (file import)
// and over HTTP, on one server and on a two-shard cluster.
const CDRS = [
  ...syntheticCdrs({
    seed: 11,
    accounts: 3,
    totalCalls: 3000,
    from: new Date('2024-01-01T00:00:00Z'),
    to: new Date('2024-03-01T00:00:00Z'),
  }),
];
const NDJSON = CDRS.map((c) => JSON.stringify(c)).join('\n') + '\n';
const ACCOUNTS = [...new Set(CDRS.map((c) => c.custom_channel_vars.account_id))].sort();

describe('re-importing into ClickHouse changes no count', () => {
  let duck: Awaited<ReturnType<typeof freshStore>>;
  const stops: (() => Promise<void>)[] = [];
  const urls: Record<string, string> = {};
  before(async () => {
    duck = await freshStore();
    const server = await startClickHouse();
    stops.push(() => server.stop());
    urls.single = `clickhouse://127.0.0.1:${server.httpPort}/callstats`;
    const cluster = await startClickHouseCluster();
    stops.push(() => cluster.stop());
    const hosts = cluster.urls.map((u) => new URL(u).host);
    urls.cluster = `clickhouse://${hosts[0]}/callstats?cluster=${cluster.cluster}&hosts=${hosts.join(',')}`;
  });
  after(async () => {
    await Promise.all(stops.map((s) => s()));
    await duck?.cleanup();
  });

  const counts = async (store: ClickHouseStore) => Promise.all(ACCOUNTS.map((a) => store.countCalls(a)));

  for (const mode of ['single', 'cluster'] as const) {
    test(`${mode}: the ingest path twice stores every call once`, async () => {
      const store = new ClickHouseStore(urls[mode].replace('/callstats', '/ingest'));
      try {
        await store.init();
        const ingest = () => ingestRecords(readRecordBatches([Buffer.from(NDJSON)]), { store, zoneOf: duck.zones.zoneOf, batchSize: 700 });
        const first = await ingest();
        assert.equal(first.accepted, CDRS.length);
        assert.equal(first.rejectedCount, 0);
        const once = await counts(store);
        assert.equal(
          once.reduce((a, b) => a + b, 0),
          CDRS.length,
        );
        const second = await ingest();
        assert.deepEqual([second.accepted, second.duplicates], [0, CDRS.length]);
        assert.deepEqual(await counts(store), once);
      } finally {
        await store.close();
      }
    });

    test(`${mode}: POSTing the same CDRs twice to the API stores them once`, async () => {
      const store = new ClickHouseStore(urls[mode].replace('/callstats', '/http'));
      await store.init();
      const config = loadConfig({ CALLSTATS_STORE: urls[mode] });
      const app = await buildApp({ store, zones: duck.zones, config });
      try {
        const { token } = await createApiKey(store, '*', 'test');
        const docs = CDRS.filter((c) => c.custom_channel_vars.account_id === ACCOUNTS[0]);
        const post = async () => {
          const res = await app.inject({
            method: 'POST',
            url: `/v2/accounts/${ACCOUNTS[0]}/call_statistics/cdrs`,
            headers: { 'x-auth-token': token, 'content-type': 'application/json' },
            payload: { data: docs },
          });
          assert.equal(res.statusCode, 200, res.body);
          return res.json().data as { accepted: number; duplicates: number };
        };
        assert.deepEqual((await post()).accepted, docs.length);
        assert.equal(await store.countCalls(ACCOUNTS[0]), docs.length);
        const again = await post();
        assert.deepEqual([again.accepted, again.duplicates], [0, docs.length]);
        assert.equal(await store.countCalls(ACCOUNTS[0]), docs.length);
      } finally {
        await app.close();
        await store.close().catch(() => undefined);
      }
    });
  }
});
