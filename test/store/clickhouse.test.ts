import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { startClickHouse, type ClickHouseServer } from '../helpers/clickhouse-server.js';
import { makeCall } from './clickhouse-fixtures.js';

let server: ClickHouseServer;
let store: ClickHouseStore;

before(async () => {
  server = await startClickHouse();
  store = new ClickHouseStore(`clickhouse://127.0.0.1:${server.httpPort}/callstats`);
  await store.init();
});

after(async () => {
  await store?.close();
  await server?.stop();
});

test('init twice is harmless and records schema version 4 (1, then the Kazoo columns)', async () => {
  await store.init();
  assert.deepEqual(await store.all({ sql: 'SELECT max(version) AS v FROM schema_version', params: [] }), [{ v: 4 }]);
  assert.deepEqual(await store.all({ sql: 'SELECT version FROM schema_version ORDER BY version', params: [] }), [
    { version: 1 },
    { version: 4 },
  ]);
});

test('re-sent and overlapping batches never count twice; duplicates are reported exactly', async () => {
  const batch = Array.from({ length: 100 }, (_, i) => makeCall('acc-dup', i));
  assert.deepEqual(await store.insertCalls(batch), { inserted: 100, duplicates: 0 });
  assert.deepEqual(await store.insertCalls(batch), { inserted: 0, duplicates: 100 });
  const overlap = Array.from({ length: 100 }, (_, i) => makeCall('acc-dup', i + 50));
  assert.deepEqual(await store.insertCalls(overlap), { inserted: 50, duplicates: 50 });
  // A re-sent CDR with a changed start time is still the same call.
  assert.deepEqual(await store.insertCalls([makeCall('acc-dup', 3, { call_time: 1 })]), { inserted: 0, duplicates: 1 });
  assert.equal(await store.countCalls('acc-dup'), 150);
});

test('repeats within one batch count once', async () => {
  const call = makeCall('acc-rep', 1);
  assert.deepEqual(await store.insertCalls([call, call, makeCall('acc-rep', 2), call]), { inserted: 2, duplicates: 2 });
  assert.equal(await store.countCalls('acc-rep'), 2);
});

test('the same call_id in two accounts is two calls', async () => {
  assert.deepEqual(await store.insertCalls([makeCall('acc-x', 1), makeCall('acc-y', 1)]), { inserted: 2, duplicates: 0 });
  assert.equal(await store.countCalls('acc-x'), 1);
  assert.equal(await store.countCalls('acc-y'), 1);
});

test('a crash between the call_ids and calls writes is repaired by re-sending', async () => {
  const call = makeCall('acc-crash', 7);
  // Simulate the crash: the id was recorded, the call was not.
  const res = await fetch(`${server.url}/?database=callstats`, {
    method: 'POST',
    body: `INSERT INTO call_ids (account_id, call_id, call_time) VALUES ('acc-crash', 'call-7', ${call.call_time})`,
  });
  assert.equal(res.status, 200, await res.text());
  assert.equal(await store.countCalls('acc-crash'), 0);
  assert.deepEqual(await store.insertCalls([call]), { inserted: 1, duplicates: 0 });
  assert.deepEqual(await store.insertCalls([call]), { inserted: 0, duplicates: 1 });
  assert.equal(await store.countCalls('acc-crash'), 1);
});

test('concurrent insertCalls of one process are serialised', async () => {
  const batch = Array.from({ length: 30 }, (_, i) => makeCall('acc-conc', i));
  const results = await Promise.all([store.insertCalls(batch), store.insertCalls(batch), store.insertCalls(batch)]);
  assert.equal(
    results.reduce((s, r) => s + r.inserted, 0),
    30,
  );
  assert.equal(
    results.reduce((s, r) => s + r.duplicates, 0),
    60,
  );
  assert.equal(await store.countCalls('acc-conc'), 30);
});

test('text with tabs, newlines, backslashes and quotes round-trips; nulls stay null', async () => {
  const nasty = '=cmd|\'\\x\t"y"\n\r\\N';
  await store.insertCalls([makeCall('acc-text', 1, { caller_id_name: nasty, hangup_cause: null, ringing_seconds: null })]);
  const rows = await store.all({
    sql: 'SELECT caller_id_name, hangup_cause, ringing_seconds, call_time, unanswered, call_direction FROM calls WHERE account_id = ?',
    params: ['acc-text'],
  });
  assert.deepEqual(rows, [
    { caller_id_name: nasty, hangup_cause: null, ringing_seconds: null, call_time: 1457078461, unanswered: 0, call_direction: 'inbound' },
  ]);
});

test('keys: insert, get, list, revoke visible at once', async () => {
  const key = { id: 'k1', account: '*', secret_hash: 'h1', created_at: 1700000000, revoked: false, label: null, subaccounts: false };
  await store.insertKey(key);
  await store.insertKey({ ...key, id: 'k2', account: 'acc-1', label: 'ci' });
  assert.deepEqual(await store.getKey('k1'), key);
  assert.equal(await store.getKey('nope'), undefined);
  assert.equal(await store.revokeKey('k1'), true);
  assert.equal(await store.revokeKey('nope'), false);
  // Like DuckDB's UPDATE ... AND NOT revoked: revoking twice changes nothing the second time.
  assert.equal(await store.revokeKey('k1'), false);
  assert.deepEqual(await store.getKey('k1'), { ...key, revoked: true });
  assert.deepEqual(
    (await store.listKeys()).map((k) => [k.id, k.revoked, k.label]),
    [
      ['k1', true, null],
      ['k2', false, 'ci'],
    ],
  );
});

test('webhook tokens: insert, get, list', async () => {
  const token = { id: 'w1', account: 'acc-1', secret_hash: 'h', created_at: 1700000001, revoked: false, subaccounts: false };
  await store.insertWebhookToken(token);
  assert.deepEqual(await store.getWebhookToken('w1'), token);
  assert.deepEqual(await store.listWebhookTokens(), [token]);
  assert.equal(await store.getWebhookToken('w2'), undefined);
});

test('zones: save, list, update of active/description only', async () => {
  const nz = { id: 1, prefix: '643412', country: 'New Zealand', description: 'Balclutha', source: 'default' as const, active: true };
  const au = { id: 2, prefix: '614', country: 'Australia', description: 'Mobile', source: 'default' as const, active: true };
  await store.saveZones([nz, au]);
  assert.deepEqual(await store.listZones(), [nz, au]);
  await store.saveZones([
    { ...nz, prefix: 'ignored', description: 'Clutha', active: false },
    { id: 3, prefix: '1', country: 'United States', description: '', source: 'custom', active: true },
  ]);
  assert.deepEqual(await store.listZones(), [
    { ...nz, description: 'Clutha', active: false },
    au,
    { id: 3, prefix: '1', country: 'United States', description: '', source: 'custom', active: true },
  ]);
  // Joins see one row per zone id.
  assert.deepEqual(await store.all({ sql: 'SELECT count() AS n FROM zones', params: [] }), [{ n: 3 }]);
});

test('distinctNumbers and applyZones re-tag exactly the changed calls', async () => {
  await store.insertCalls([
    makeCall('acc-zone', 1, { caller_id_number: '111', caller_zone_id: null }),
    makeCall('acc-zone', 2, { caller_id_number: '222', caller_zone_id: 5 }),
    makeCall('acc-zone', 3, { caller_id_number: '222', caller_zone_id: 5 }),
    makeCall('acc-zone', 4, { caller_id_number: '333', caller_zone_id: 9 }),
  ]);
  const numbers = await store.distinctNumbers('caller_id_number');
  for (const n of ['111', '222', '333']) assert.ok(numbers.includes(n));
  const changed = await store.applyZones('caller_id_number', [
    { number: '111', zone_id: 7 },
    { number: '222', zone_id: null },
    { number: '333', zone_id: 9 },
  ]);
  assert.equal(changed, 3);
  const rows = await store.all({
    sql: 'SELECT call_id, caller_zone_id FROM calls WHERE account_id = ? ORDER BY call_id',
    params: ['acc-zone'],
  });
  assert.deepEqual(rows, [
    { call_id: 'call-1', caller_zone_id: 7 },
    { call_id: 'call-2', caller_zone_id: null },
    { call_id: 'call-3', caller_zone_id: null },
    { call_id: 'call-4', caller_zone_id: 9 },
  ]);
  assert.equal(await store.applyZones('caller_id_number', [{ number: '111', zone_id: 7 }]), 0);
});

test('stream yields rows and stops the server query when aborted', async () => {
  const rows: unknown[] = [];
  for await (const row of store.stream({ sql: 'SELECT number AS n FROM system.numbers LIMIT ?', params: [3] })) rows.push(row);
  assert.deepEqual(rows, [{ n: 0 }, { n: 1 }, { n: 2 }]);

  // A query that computes for a long time before its first row: only KILL QUERY stops it on 18.16.
  const controller = new AbortController();
  const marker = `abort-test-${Date.now()}`;
  const sql = `SELECT count() AS n, '${marker}' AS m FROM system.numbers WHERE sipHash64(number) = 7`;
  const consume = (async () => {
    for await (const _ of store.stream({ sql, params: [] }, controller.signal)) void _;
  })();
  const running = () =>
    store.all({
      sql: 'SELECT count() AS n FROM system.processes WHERE query LIKE ? AND query NOT LIKE ?',
      params: [`%${marker}%`, '%system.processes%'],
    });
  await waitFor(async () => (await running())[0].n === 1);
  controller.abort();
  await assert.rejects(consume, (err: Error) => err.name === 'AbortError');
  await waitFor(async () => (await running())[0].n === 0);
});

test('breaking out of a stream early cancels the query', async () => {
  const marker = `break-test-${Date.now()}`;
  for await (const _ of store.stream({ sql: `SELECT number, '${marker}' FROM system.numbers`, params: [] })) break;
  await waitFor(
    async () =>
      (
        await store.all({
          sql: 'SELECT count() AS n FROM system.processes WHERE query LIKE ? AND query NOT LIKE ?',
          params: [`%${marker}%`, '%system.processes%'],
        })
      )[0].n === 0,
  );
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("compiled SQL without parameters runs as is: '?' and quotes inside literals are text", async () => {
  const sql = "SELECT 'a?b' AS s, 'it\\'s -- ?' AS t, '%?%' AS p";
  assert.deepEqual(await store.all({ sql, params: [] }), [{ s: 'a?b', t: "it's -- ?", p: '%?%' }]);
  const rows = [];
  for await (const row of store.stream({ sql, params: [] })) rows.push(row);
  assert.deepEqual(rows, [{ s: 'a?b', t: "it's -- ?", p: '%?%' }]);
});

test('applyZones leaves calls whose number is missing as they are (18.16 read NULL IN … as "update to NULL")', async () => {
  await store.insertCalls([
    makeCall('acc-nullnum', 1, { callee_id_number: null, callee_zone_id: 11 }),
    makeCall('acc-nullnum', 2, { callee_id_number: '777', callee_zone_id: null }),
  ]);
  assert.equal(await store.applyZones('callee_id_number', [{ number: '777', zone_id: 12 }]), 1);
  assert.deepEqual(
    await store.all({ sql: 'SELECT call_id, callee_zone_id FROM calls WHERE account_id = ? ORDER BY call_id', params: ['acc-nullnum'] }),
    [
      { call_id: 'call-1', callee_zone_id: 11 },
      { call_id: 'call-2', callee_zone_id: 12 },
    ],
  );
});
