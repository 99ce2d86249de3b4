/**
 * DuckDBStore.allAtMost (store.ts): the column chunks of a result that has at most `maxRows` rows,
 * else undefined — the raw-rows path of report/statistics.ts reads its columns from them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from '../helpers/store.js';
import { call } from '../helpers/call.js';

test('allAtMost returns the result as column chunks up to maxRows and undefined past it', async () => {
  const t = await freshStore();
  try {
    await t.store.insertCalls([1, 2, 3].map((n) => call({ call_id: `c${n}`, call_time: 1457078400 + n, duration_seconds: n })));
    const query = {
      sql: "SELECT call_time AS t, duration_seconds AS d, NULL AS x, call_id || ' is a longer text' AS s FROM calls ORDER BY t",
      params: [],
    };
    const chunks = await t.store.allAtMost(query, 3);
    assert.ok(chunks);
    // Read after the connection went back to the pool: the chunks own their values.
    const values = chunks.flatMap((c) =>
      Array.from({ length: c.rowCount }, (_, r) => [0, 1, 2, 3].map((col) => c.getColumnVector(col).getItem(r))),
    );
    assert.deepEqual(values, [
      [1457078401n, 1, null, 'c1 is a longer text'],
      [1457078402n, 2, null, 'c2 is a longer text'],
      [1457078403n, 3, null, 'c3 is a longer text'],
    ]);
    assert.equal(await t.store.allAtMost(query, 2), undefined);
    assert.equal(await t.store.allAtMost(query, 0), undefined);
  } finally {
    await t.cleanup();
  }
});
