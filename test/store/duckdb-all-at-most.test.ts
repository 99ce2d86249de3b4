/**
 * DuckDBStore.allAtMost (store.ts): the rows of a result that has at most `maxRows` of them, in
 * the canonical form, else undefined — the raw-rows path of report/statistics.ts depends on it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from '../helpers/store.js';
import { call } from '../helpers/call.js';

test('allAtMost returns canonical rows up to maxRows and undefined past it', async () => {
  const t = await freshStore();
  try {
    await t.store.insertCalls([1, 2, 3].map((n) => call({ call_id: `c${n}`, call_time: 1457078400 + n, duration_seconds: n })));
    const query = { sql: 'SELECT call_time AS t, duration_seconds AS d, NULL AS x FROM calls ORDER BY t', params: [] };
    assert.deepEqual(await t.store.allAtMost(query, 3), [
      { t: 1457078401, d: 1, x: null },
      { t: 1457078402, d: 2, x: null },
      { t: 1457078403, d: 3, x: null },
    ]);
    assert.equal(await t.store.allAtMost(query, 2), undefined);
    assert.equal(await t.store.allAtMost(query, 0), undefined);
  } finally {
    await t.cleanup();
  }
});
