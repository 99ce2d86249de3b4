import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/core/config.js';
import { CALL_TIME_SCAN_SQL } from '../../src/store/duckdb/call-time-range.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { controlHeaders } from '../../src/store/remote/control-channel.js';
import { getDialect } from '../../src/sql/dialects.js';
import { tableRangeQuery } from '../../src/sql/stats-sql.js';
import { call } from '../helpers/call.js';
import { holdLock } from '../helpers/hold-lock.js';
import { freshStore } from '../helpers/store.js';

// The range of stored call_times that a question without both call_time bounds reads first
// (report/statistics.ts callTimeWindow). DuckDB folds a plain min/max into a constant from its
// statistics at planning time, and once in ~40 runs of read-your-writes.test.ts under load that
// constant missed a maintenance step's moved tail: the answer lost every call of it. The store now
// keeps the range itself (src/store/duckdb/call-time-range.ts).

const T0 = Date.UTC(2024, 0, 1) / 1000;
const calls = (from: number, n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => call({ account_id: 'rangeacct', call_id: `${prefix}${i}`, call_time: from + i * 3600 }));

async function plan(store: DuckDBStore, sql: string): Promise<string> {
  const rows = await store.all({ sql: `EXPLAIN ${sql}`, params: [] });
  return rows.map((r) => String(r.explain_value)).join('\n');
}

describe('the stored calls’ call_time range on the embedded store', () => {
  let f: Awaited<ReturnType<typeof freshStore>>;
  let store: DuckDBStore;
  before(async () => {
    f = await freshStore();
    store = f.store;
  });
  after(async () => {
    await store.close();
    await f.cleanup();
  });
  const reopen = async () => {
    await store.close();
    store = new DuckDBStore(f.path, { memoryLimit: '512MB' });
    await store.init();
  };

  test('an empty store has none; each batch widens it; a reopened store scans it exactly', async () => {
    assert.equal(await store.callTimeRange(), undefined);
    await store.insertCalls(calls(T0, 10, 'a'));
    assert.deepEqual(await store.callTimeRange(), [T0, T0 + 9 * 3600]);
    await store.insertCalls(calls(T0 - 86400, 2, 'b'));
    assert.deepEqual(await store.callTimeRange(), [T0 - 86400, T0 + 9 * 3600]);
    // Re-sent calls store nothing and change nothing.
    assert.deepEqual(await store.insertCalls(calls(T0, 10, 'a')), { inserted: 0, duplicates: 10 });
    assert.deepEqual(await store.callTimeRange(), [T0 - 86400, T0 + 9 * 3600]);
    await store.insertCalls(calls(T0 + 100 * 86400, 1, 'c'));
    assert.deepEqual(await store.callTimeRange(), [T0 - 86400, T0 + 100 * 86400]);
    await store.compact();
    await reopen();
    assert.deepEqual(await store.callTimeRange(), [T0 - 86400, T0 + 100 * 86400]);
  });

  test('a prune has the range measured again; batches of this process still widen it', async () => {
    const pruned = await store.prune(T0);
    assert.equal(pruned.deleted, 2);
    assert.deepEqual(await store.callTimeRange(), [T0, T0 + 100 * 86400]);
    // A batch of this process keeps bounding the range after its calls are pruned (wider is
    // allowed: it only costs offset segments), until the store is opened again.
    await store.insertCalls(calls(T0 - 7 * 86400, 1, 'd'));
    assert.equal((await store.prune(T0)).deleted, 1);
    assert.deepEqual(await store.callTimeRange(), [T0 - 7 * 86400, T0 + 100 * 86400]);
    await reopen();
    assert.deepEqual(await store.callTimeRange(), [T0, T0 + 100 * 86400]);
  });

  test('a batch widens the range before its transaction begins: no snapshot holds a call outside it', async () => {
    const release = await holdLock(store.writeLock);
    const far = T0 + 400 * 86400;
    const insert = store.insertCalls(calls(far, 1, 'late'));
    // The batch is staged and waits for the write lock, uncommitted: the range already holds it.
    for (let i = 0; i < 200 && (await store.callTimeRange())![1] < far; i++) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(await store.callTimeRange(), [T0, far]);
    assert.equal(await store.countCalls('rangeacct'), 11);
    await release();
    assert.deepEqual(await insert, { inserted: 1, duplicates: 0 });
    assert.equal(await store.countCalls('rangeacct'), 12);
  });

  test('the scan reads both tables (DuckDB cannot fold it), where a plain min/max is folded from statistics', async () => {
    // A checkpointed store: the statistics DuckDB folds from are the file's.
    await reopen();
    const scan = await plan(store, CALL_TIME_SCAN_SQL);
    assert.match(scan, /SEQ_SCAN/);
    assert.doesNotMatch(scan, /COLUMN_DATA_SCAN/);
    // Why the scan exists: if this stops holding, a DuckDB upgrade no longer folds the plain form.
    const plain = await plan(store, tableRangeQuery(getDialect('duckdb')).sql);
    assert.match(plain, /COLUMN_DATA_SCAN/);
    assert.doesNotMatch(plain, /SEQ_SCAN/);
  });

  test('a CLI command reaches the range through the control channel', async () => {
    const token = 'control-token-for-call-time-range';
    const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' });
    const app = await buildApp({ store, zones: f.zones, config, controlToken: token });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/_local/rpc',
        headers: controlHeaders(token),
        remoteAddress: '127.0.0.1',
        payload: { method: 'callTimeRange', args: [] },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { result: [T0, T0 + 400 * 86400] });
    } finally {
      await app.close();
    }
  });
});
