import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { callsTsv } from '../../src/store/clickhouse/tsv.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { startReplicatedCluster, type ClickHouseCluster } from '../helpers/clickhouse-server.js';
import { freshStore } from '../helpers/store.js';
import { startZooKeeper, type ZooKeeperServer } from '../helpers/zookeeper-server.js';
import { makeCall } from './clickhouse-fixtures.js';
import { CALL_COLUMNS } from '../../src/core/call.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/clickhouse/ddl.js';

// 2 shards × 2 replicas of 18.16 with one ZooKeeper, all on loopback, started once for the file.
// servers[0], [1] are shard 1's replicas, [2], [3] shard 2's; the store talks to servers[0].
const TIMEOUT_S = 5;
const MARCH = Date.UTC(2024, 2, 1) / 1000;
const ACCOUNTS = Array.from({ length: 10 }, (_, i) => `acct${String(i).padStart(28, '0')}`);

let zk: ZooKeeperServer;
let cluster: ClickHouseCluster;
let store: ClickHouseStore;
let api: FastifyInstance;
let key: string;
let duck: Awaited<ReturnType<typeof freshStore>>;
let nextId = 0;

function cdrs(n: number, account: string): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) =>
    kazooCdr(`call-${nextId++}`, MARCH + 3600 + i * 60, {
      duration_seconds: String(1 + (i % 97)),
      custom_channel_vars: { account_id: account },
    }),
  );
}

const post = (account: string, docs: Record<string, unknown>[]) =>
  api.inject({
    method: 'POST',
    url: `/v2/accounts/${account}/call_statistics/cdrs`,
    headers: { 'x-auth-token': key, 'content-type': 'application/json' },
    payload: { data: docs },
  });
const get = (account: string, path: string) =>
  api.inject({ method: 'GET', url: `/v2/accounts/${account}/call_statistics/${path}`, headers: { 'x-auth-token': key } });

/** Every account's daily answer (grouped by direction) and records page: what must not change. */
async function answers(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const account of ACCOUNTS) {
    const q = encodeURIComponent(JSON.stringify({ grouping: 'call_direction', metrics: ['answered', 'percentiles'] }));
    for (const path of [`daily?q=${q}`, 'json?page_size=10000']) {
      const res = await get(account, path);
      assert.equal(res.statusCode, 200, res.body);
      out.push(res.json().data);
    }
  }
  return out;
}

async function sql(url: string, query: string): Promise<string> {
  const res = await fetch(`${url}/?database=callstats`, { method: 'POST', body: query });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return text.trim();
}

/** Waits until every replica of the cluster holds `n` rows in calls_local summed per shard. */
async function replicasHold(n: number): Promise<number[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const counts = await Promise.all(cluster.urls.map((u) => sql(u, 'SELECT count() FROM calls_local').then(Number)));
    if ((counts[0] + counts[2] === n && counts[1] + counts[3] === n) || Date.now() > deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function assertUnavailable(res: Awaited<ReturnType<typeof get>>, what: string): void {
  assert.equal(res.statusCode, 503, `${what}: ${res.body}`);
  const body = res.json();
  assert.equal(body.error, '503', what);
  assert.equal(body.status, 'error', what);
  assert.equal(typeof body.data.store, 'string', what);
}

before(async () => {
  duck = await freshStore();
  zk = await startZooKeeper();
  cluster = await startReplicatedCluster(zk.port);
  const hosts = cluster.urls.map((u) => new URL(u).host);
  store = new ClickHouseStore(`clickhouse://${hosts[0]}/callstats?cluster=${cluster.cluster}&hosts=${hosts.join(',')}`, {
    queryTimeoutMs: TIMEOUT_S * 1000,
  });
  await store.init();
  api = await buildApp({
    store,
    zones: duck.zones,
    config: loadConfig({ CALLSTATS_STORE: 'clickhouse://unused/callstats', CALLSTATS_RATE_LIMIT: '0' }),
  });
  key = (await createApiKey(store, '*', 'replicated')).token;
  for (const account of ACCOUNTS) assert.equal((await post(account, cdrs(30, account))).statusCode, 200);
});

after(async () => {
  await api?.close();
  await store?.close().catch(() => undefined);
  await cluster?.stop();
  await zk?.stop();
  await duck?.cleanup();
});

test('init ran the DDL ON CLUSTER: replicated call tables on all four servers, schema recorded on each; init again is harmless', async () => {
  await store.init();
  for (const url of cluster.urls) {
    assert.equal(
      await sql(url, "SELECT name, engine FROM system.tables WHERE database = 'callstats' AND name LIKE 'call%' ORDER BY name"),
      'call_ids\tDistributed\ncall_ids_local\tReplicatedReplacingMergeTree\ncalls\tDistributed\ncalls_local\tReplicatedReplacingMergeTree',
    );
    assert.equal(await sql(url, 'SELECT count(), max(version) FROM schema_version'), `${MIGRATIONS.length}\t${SCHEMA_VERSION}`);
  }
});

test('every call is on both replicas of its shard, and each shard holds some accounts', async () => {
  const counts = await replicasHold(300);
  assert.equal(counts[0], counts[1]);
  assert.equal(counts[2], counts[3]);
  assert.ok(counts[0] > 0 && counts[2] > 0, counts.join(','));
  assert.equal(await store.countCalls(), 300);
});

test('the same block inserted again, on either replica, is stored once (replicated block deduplication)', async () => {
  const calls = Array.from({ length: 50 }, (_, i) => makeCall('acctdedup', i));
  const block = callsTsv(calls);
  const insert = `INSERT INTO calls_local (${CALL_COLUMNS.join(', ')}) FORMAT TabSeparated`;
  // What a client re-sending an INSERT whose answer it lost does: the same rows, in the same order,
  // to the replica it used or to the other one of the shard.
  for (const replica of [0, 1, 0]) {
    const res = await fetch(`${cluster.urls[replica]}/?database=callstats&query=${encodeURIComponent(insert)}`, {
      method: 'POST',
      body: block,
    });
    assert.equal(res.status, 200, await res.text());
  }
  await replicasHold(350);
  for (const replica of [0, 1]) {
    assert.equal(await sql(cluster.urls[replica], "SELECT count() FROM calls_local WHERE account_id = 'acctdedup'"), '50');
  }
  assert.equal(await store.countCalls('acctdedup'), 50);
  // Through the store: a re-sent batch is reported as duplicates and counted once.
  const batch = Array.from({ length: 40 }, (_, i) => makeCall(ACCOUNTS[2], 500 + i));
  assert.deepEqual(await store.insertCalls(batch), { inserted: 40, duplicates: 0 });
  assert.deepEqual(await store.insertCalls(batch), { inserted: 0, duplicates: 40 });
  await replicasHold(390);
  assert.equal(await store.countCalls(), 390);
});

test('one replica of each shard down: every statistics and records answer is unchanged', async () => {
  const baseline = await answers();
  await Promise.all([cluster.servers[1].terminate(), cluster.servers[3].terminate()]);
  try {
    assert.deepEqual(await answers(), baseline);
    // Ingest still lands (on the live replica) and is counted once.
    assert.equal((await post(ACCOUNTS[1], cdrs(5, ACCOUNTS[1]))).statusCode, 200);
    assert.equal(await store.countCalls(), 395);
  } finally {
    await Promise.all([cluster.servers[1].start(), cluster.servers[3].start()]);
  }
  // The stopped replicas catch up from ZooKeeper's log.
  const counts = await replicasHold(395);
  assert.equal(counts[0] + counts[2], 395);
  assert.equal(counts[1] + counts[3], 395);
});

test('a whole shard down: statistics and records answer 503 (never partial), ingest 503; restarted: nothing acknowledged lost', async () => {
  const batches = ACCOUNTS.map((a) => cdrs(5, a));
  let statuses: number[] = [];
  await Promise.all([cluster.servers[2].terminate(), cluster.servers[3].terminate()]);
  try {
    for (const account of ACCOUNTS) {
      assertUnavailable(await get(account, 'monthly'), `statistics of ${account} with shard 2 down`);
      assertUnavailable(await get(account, 'json'), `records of ${account} with shard 2 down`);
    }
    const writes = await Promise.all(ACCOUNTS.map((a, i) => post(a, batches[i])));
    statuses = writes.map((w) => w.statusCode);
    for (const w of writes) assertUnavailable(w, 'ingest with shard 2 down');
  } finally {
    await Promise.all([cluster.servers[2].start(), cluster.servers[3].start()]);
  }
  // Healed: re-sending every batch stores each call exactly once, on both replicas.
  const deadline = Date.now() + 30_000;
  for (const [i, account] of ACCOUNTS.entries()) {
    for (;;) {
      const res = await post(account, batches[i]);
      if (res.statusCode === 200 || Date.now() > deadline) {
        assert.equal(res.statusCode, 200, res.body);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  assert.equal(await store.countCalls(), 445);
  const counts = await replicasHold(445);
  assert.deepEqual([counts[0] + counts[2], counts[1] + counts[3]], [445, 445]);
  console.log(`ingest with shard 2 down: ${statuses.join(',')}`);
});
