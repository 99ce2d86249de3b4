import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionRange, partitionWhere } from '../../src/store/duckdb/merge-runs.js';
import { PARTITION_FIRST, PARTITION_LAST } from '../../src/store/duckdb/schema.js';
import { CALL_TIME_MAX, CALL_TIME_MIN } from '../../src/report/time-bounds.js';
import { freshStore } from '../helpers/store.js';
import { call } from '../helpers/call.js';

// Calls outside 1970–2099 (other paths may have stored any Int64, report/time-bounds.ts) once made
// every maintenance step fail: `make_timestamp(call_time * 1000000)` overflowed, so the tail was
// never sorted again. They now sit in the first and last partitions (schema.ts).

const RUNS = 'SELECT part, sum(calls) AS calls FROM sorted_runs GROUP BY part ORDER BY part';

test('the partitions span exactly the answered call_time range', () => {
  assert.deepEqual(partitionRange(PARTITION_FIRST), [-Infinity, Date.UTC(1970, 1, 1) / 1000]);
  assert.deepEqual(partitionRange(PARTITION_LAST), [Date.UTC(2099, 11, 1) / 1000, Infinity]);
  assert.equal(partitionRange(PARTITION_FIRST)[1] - 31 * 86_400, CALL_TIME_MIN);
  assert.equal(partitionRange(PARTITION_LAST)[0] + 31 * 86_400 - 1, CALL_TIME_MAX);
  assert.deepEqual(partitionRange(202502), [Date.UTC(2025, 1, 1) / 1000, Date.UTC(2025, 2, 1) / 1000]);
  assert.equal(partitionWhere(202502), `call_time >= ${Date.UTC(2025, 1, 1) / 1000} AND call_time < ${Date.UTC(2025, 2, 1) / 1000}`);
  assert.equal(partitionWhere(PARTITION_FIRST), `call_time < ${Date.UTC(1970, 1, 1) / 1000}`);
  // A partition from before the first existed (a store that sorted 1969 calls as 196912).
  assert.equal(partitionWhere(196912), `call_time < ${Date.UTC(1970, 0, 1) / 1000}`);
});

test('calls at the ends of Int64 are sorted and merged like any other, each stored once', async () => {
  const { store, cleanup } = await freshStore();
  try {
    // ±(2^53 − 1) s overflow make_timestamp's microseconds as any Int64 past ±9.2e12 s would.
    await store.insertCalls([call({ call_id: 'seed', call_time: Date.UTC(2025, 5, 1) / 1000 })]);
    for (let round = 0; round < 4; round++) {
      const calls = [-Number.MAX_SAFE_INTEGER, -1, 4102444800, Number.MAX_SAFE_INTEGER].map((t, i) =>
        call({ call_id: `r${round}-${i}`, call_time: t }),
      );
      assert.deepEqual(await store.insertCalls(calls), { inserted: 4, duplicates: 0 });
      const step = await store.compact(undefined, false);
      assert.equal(step.rows, round === 0 ? 5 : 4);
    }
    assert.deepEqual(
      (await store.all({ sql: RUNS, params: [] })).map((r) => [Number(r.part), Number(r.calls)]),
      [
        [PARTITION_FIRST, 8],
        [202506, 1],
        [PARTITION_LAST, 8],
      ],
    );
    // Four runs in each end partition: the merges take them, every call once.
    const merged = await store.compact();
    assert.equal(merged.merges, 2);
    assert.equal(merged.mergedRows, 16);
    const runs = await store.all({
      sql: 'SELECT part, count(*) AS runs, sum(calls) AS calls FROM sorted_runs GROUP BY part ORDER BY part',
      params: [],
    });
    assert.deepEqual(
      runs.map((r) => [Number(r.part), Number(r.runs), Number(r.calls)]),
      [
        [PARTITION_FIRST, 1, 8],
        [202506, 1, 1],
        [PARTITION_LAST, 1, 8],
      ],
    );
    assert.deepEqual(await store.all({ sql: 'SELECT count(*) AS n, count(DISTINCT call_id) AS d FROM calls', params: [] }), [
      { n: 17, d: 17 },
    ]);
    // The re-sent extremes are duplicates in their sorted runs.
    const again = [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER].map((t, i) =>
      call({ call_id: `r2-${i === 0 ? 0 : 3}`, call_time: t }),
    );
    assert.deepEqual(await store.insertCalls(again), { inserted: 0, duplicates: 2 });
  } finally {
    await cleanup();
  }
});
