import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { call } from '../helpers/call.js';
import { holdLock } from '../helpers/hold-lock.js';
import { freshStore } from '../helpers/store.js';

// A maintenance step's COMMIT takes the write lock (src/store/duckdb/maintenance-tx.ts): DuckDB
// plans the duplicate check's literal call_time bounds against table statistics that are not
// read in the plan's snapshot, and a check planned while a step committed its move could see the
// sorted table without the moved calls. The step's work itself never waits for ingest.

const T0 = Date.UTC(2024, 0, 1) / 1000;
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

const batch = (prefix: string, n: number, from: number) =>
  Array.from({ length: n }, (_, i) => call({ account_id: 'commitacct', call_id: `${prefix}${i}`, call_time: from + i * 60 }));

test('a step does its work while a writer holds the lock, and commits only once the writer is done', async () => {
  await store.insertCalls(batch('a', 2_000, T0));
  assert.equal(await store.unsortedCalls(), 2_000);
  const release = await holdLock(store.writeLock);
  let settled = false;
  const step = store.compact().finally(() => (settled = true));
  try {
    // Long enough for the step's INSERT and DELETE (a few ms here): it is the COMMIT that waits.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(settled, false, 'the step committed while a writer held the write lock');
    // Readers are not held up, and see the tail as it was.
    assert.equal(await store.unsortedCalls(), 2_000);
    assert.equal(await store.countCalls('commitacct'), 2_000);
  } finally {
    await release();
  }
  const result = await step;
  assert.equal(result.rows, 2_000);
  assert.equal(await store.unsortedCalls(), 0);
  assert.equal(await store.countCalls('commitacct'), 2_000);
});

test('a re-sent batch during steps is stored once', async () => {
  const sent = batch('b', 1_000, T0 + 86_400 * 10);
  assert.deepEqual(await store.insertCalls(sent), { inserted: 1_000, duplicates: 0 });
  // Re-sends race steps that move the first copy from the tail into the sorted runs.
  const results = await Promise.all([
    store.compact(),
    ...Array.from({ length: 4 }, () => store.insertCalls(sent)),
    store.compact(),
    store.insertCalls(sent),
  ]);
  for (const r of results.slice(1, 5).concat(results.slice(6))) assert.deepEqual(r, { inserted: 0, duplicates: 1_000 });
  assert.equal(await store.countCalls('commitacct'), 3_000);
});
