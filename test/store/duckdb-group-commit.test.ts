import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { CallstatsError } from '../../src/core/errors.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { freshStore } from '../helpers/store.js';
import { call as baseCall } from '../helpers/call.js';

const T0 = 1_700_000_000;

function call(account: string, id: string, at = 0): Call {
  return baseCall({ account_id: account, call_id: id, call_time: T0 + at, duration_seconds: 10, billing_seconds: 5 });
}

/** Four callers' batches that overlap: within a batch, across batches, and with what is already stored. */
function batches(account: string): Call[][] {
  return [
    [call(account, 'a'), call(account, 'b'), call(account, 'c')],
    [call(account, 'c'), call(account, 'd'), call(account, 'd', 5)],
    [call(account, 'a'), call(account, 'e'), call(`${account}-other`, 'a')],
    [call(account, 'stored'), call(account, 'f')],
  ];
}

/** Transactions the store has run (each write transaction counts one), read from its database. */
const transactions = (store: DuckDBStore): number => (store as unknown as { db: { generation: number } }).db.generation;

const storedIds = (store: DuckDBStore, accounts: string[]) =>
  store.all({
    sql: `SELECT account_id, call_id, call_time FROM calls WHERE account_id IN (${accounts.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY ALL`,
    params: accounts,
  });

describe('DuckDB group commit (insertCalls while another insert runs)', () => {
  let f: Awaited<ReturnType<typeof freshStore>>;
  before(async () => {
    f = await freshStore();
  });
  after(() => f.cleanup());

  test('concurrent callers are stored in one shared transaction and get the counts sequential inserts give', async () => {
    const store = f.store;
    await store.insertCalls([call('seq', 'stored'), call('grp', 'stored')]);
    const sequential = [];
    for (const b of batches('seq')) sequential.push(await store.insertCalls(b));
    const before = transactions(store);
    const concurrent = await Promise.all(batches('grp').map((b) => store.insertCalls(b)));
    // The first caller found the store idle and went alone; the three that came while it ran shared one.
    assert.equal(transactions(store) - before, 2);
    assert.deepEqual(sequential, [
      { inserted: 3, duplicates: 0 },
      { inserted: 1, duplicates: 2 },
      { inserted: 2, duplicates: 1 },
      { inserted: 1, duplicates: 1 },
    ]);
    assert.deepEqual(concurrent, sequential);
    const rename = (rows: Record<string, unknown>[], from: string) =>
      rows.map((r) => ({ ...r, account_id: r.account_id === from ? 'x' : r.account_id }));
    assert.deepEqual(rename(await storedIds(store, ['grp']), 'grp'), rename(await storedIds(store, ['seq']), 'seq'));
    // 'd' was sent twice in one batch: the first (call_time T0) is the one stored.
    assert.deepEqual(await storedIds(store, ['grp']), [
      ...['a', 'b', 'c', 'd', 'e', 'f', 'stored'].map((id) => ({ account_id: 'grp', call_id: id, call_time: T0 })),
    ]);
  });

  test('a shared transaction that fails fails each of its callers with the store error and stores none of them', async () => {
    await f.store.close();
    const store = new DuckDBStore(f.path, { memoryLimit: '512MB', queryTimeoutMs: 500 });
    await store.init();
    try {
      const held = store.writeLock.run(() => new Promise((r) => setTimeout(r, 1500)));
      const results = await Promise.allSettled(batches('fail').map((b) => store.insertCalls(b)));
      await held;
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        const err = (r as PromiseRejectedResult).reason;
        assert.ok(err instanceof CallstatsError, String(err));
        assert.deepEqual([err.code, err.status], ['ERR_STORE_TIMEOUT', 503]);
      }
      assert.deepEqual(await storedIds(store, ['fail']), []);
      // Re-sent once the store is free, every call is stored once, as if the failed attempt never happened.
      const again = await Promise.all(batches('fail').map((b) => store.insertCalls(b)));
      assert.deepEqual(
        again.map((r) => r.inserted),
        [3, 1, 2, 2],
      );
    } finally {
      await store.close();
    }
  });
});
