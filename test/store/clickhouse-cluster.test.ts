import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { startClickHouseCluster, type ClickHouseCluster } from '../helpers/clickhouse-server.js';
import { makeCall } from './clickhouse-fixtures.js';
import { SCHEMA_VERSION } from '../../src/store/clickhouse/ddl.js';

let cluster: ClickHouseCluster;
let store: ClickHouseStore;

before(async () => {
  cluster = await startClickHouseCluster();
  const [first, ...others] = cluster.urls.map((u) => new URL(u).host);
  store = new ClickHouseStore(`clickhouse://${first}/callstats?cluster=${cluster.cluster}&hosts=${[first, ...others].join(',')}`);
  await store.init();
});

after(async () => {
  await store?.close();
  await cluster?.stop();
});

async function shardRows(url: string, sql: string): Promise<string> {
  const res = await fetch(`${url}/?database=callstats`, { method: 'POST', body: sql });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return text.trim();
}

test('init twice is harmless on every shard', async () => {
  await store.init();
  for (const url of cluster.urls) {
    assert.equal(await shardRows(url, "SELECT engine FROM system.tables WHERE database = 'callstats' AND name = 'calls'"), 'Distributed');
    assert.equal(await shardRows(url, 'SELECT max(version) FROM schema_version'), String(SCHEMA_VERSION));
  }
});

test('all calls of an account live on one shard, and reads see every shard', async () => {
  const accounts = Array.from({ length: 8 }, (_, a) => `acc-${a}`);
  const batch = accounts.flatMap((account) => Array.from({ length: 25 }, (_, i) => makeCall(account, i)));
  assert.deepEqual(await store.insertCalls(batch), { inserted: 200, duplicates: 0 });
  assert.equal(await store.countCalls(), 200);
  const perShard = await Promise.all(
    cluster.urls.map(async (url) => {
      const text = await shardRows(url, 'SELECT account_id, count() FROM calls_local GROUP BY account_id ORDER BY account_id');
      return new Map(
        text
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split('\t') as [string, string]),
      );
    }),
  );
  for (const account of accounts) {
    const holders = perShard.filter((m) => m.has(account));
    assert.equal(holders.length, 1, `${account} is on ${holders.length} shards`);
    assert.equal(holders[0].get(account), '25');
  }
  // With 8 accounts both shards hold some (cityHash64 spreads them).
  assert.ok(perShard.every((m) => m.size > 0));
});

test('re-sent and overlapping batches never count twice across shards', async () => {
  const batch = ['acc-a', 'acc-b', 'acc-c'].flatMap((account) => Array.from({ length: 40 }, (_, i) => makeCall(account, i)));
  assert.deepEqual(await store.insertCalls(batch), { inserted: 120, duplicates: 0 });
  assert.deepEqual(await store.insertCalls(batch), { inserted: 0, duplicates: 120 });
  const overlap = ['acc-a', 'acc-b'].flatMap((account) => Array.from({ length: 40 }, (_, i) => makeCall(account, i + 20)));
  assert.deepEqual(await store.insertCalls([...overlap, overlap[0]]), { inserted: 40, duplicates: 41 });
  assert.equal(await store.countCalls('acc-a'), 60);
  assert.equal(await store.countCalls('acc-c'), 40);
});

test('keys and zones written through one server are read on every server', async () => {
  await store.insertKey({ id: 'k1', account: '*', secret_hash: 'h', created_at: 1, revoked: false, label: null });
  assert.equal(await store.revokeKey('k1'), true);
  await store.saveZones([{ id: 1, prefix: '64', country: 'New Zealand', description: '', source: 'default', active: true }]);
  for (const url of cluster.urls) {
    assert.equal(await shardRows(url, "SELECT max(revoked) FROM api_keys WHERE id = 'k1'"), '1');
    assert.equal(await shardRows(url, 'SELECT country FROM zones WHERE id = 1'), 'New Zealand');
  }
  const other = new ClickHouseStore(
    `clickhouse://${new URL(cluster.urls[1]).host}/callstats?cluster=${cluster.cluster}&hosts=${cluster.urls.map((u) => new URL(u).host).join(',')}`,
  );
  try {
    assert.equal((await other.getKey('k1'))?.revoked, true);
    assert.equal((await other.listZones()).length, 1);
  } finally {
    await other.close();
  }
});

test('applyZones re-tags calls on every shard', async () => {
  const calls = ['acc-z1', 'acc-z2', 'acc-z3', 'acc-z4'].map((account, i) =>
    makeCall(account, i, { callee_id_number: '555', callee_zone_id: null }),
  );
  await store.insertCalls(calls);
  assert.equal(await store.applyZones('callee_id_number', [{ number: '555', zone_id: 42 }]), 4);
  assert.deepEqual(
    await store.all({ sql: 'SELECT count() AS n FROM calls WHERE callee_id_number = ? AND callee_zone_id = ?', params: ['555', 42] }),
    [{ n: 4 }],
  );
});

test('stream reads through the Distributed table and can be aborted', async () => {
  const rows = [];
  for await (const row of store.stream({
    sql: 'SELECT account_id, count() AS n FROM calls WHERE account_id IN (?, ?) GROUP BY account_id ORDER BY account_id',
    params: ['acc-0', 'acc-1'],
  }))
    rows.push(row);
  assert.deepEqual(rows, [
    { account_id: 'acc-0', n: 25 },
    { account_id: 'acc-1', n: 25 },
  ]);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(async () => {
    for await (const _ of store.stream({ sql: 'SELECT 1', params: [] }, controller.signal)) void _;
  });
});
