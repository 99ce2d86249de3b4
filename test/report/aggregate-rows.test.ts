/**
 * report/aggregate-rows.ts: the engine's aggregation redone from raw rows. The differential tests
 * compare whole answers against the reference on both paths; these pin the engine semantics it
 * copies (quantile_cont interpolation, DuckDB's group order) on exact small cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateRows, compareGroups, quantileCont } from '../../src/report/aggregate-rows.js';

const spec = { grouped: true, answered: true, billing: true, percentiles: true, calls: true };

test('quantiles interpolate as quantile_cont: the mean of the two middle values for an even count', () => {
  const v = Float64Array.from([5, 6, 7, 79]);
  assert.equal(quantileCont(v, 0.5), 6.5);
  assert.equal(quantileCont(v, 0.99), 7 + 72 * (3 * 0.99 - 2));
  assert.equal(quantileCont(Float64Array.from([4]), 0.9), 4);
});

test('groups sort as DuckDB orders them: numbers by value, text by code point (not UTF-16 unit), NULL last', () => {
  assert.deepEqual([10, null, -1, 2].sort(compareGroups), [-1, 2, 10, null]);
  assert.deepEqual([true, false].sort(compareGroups), [false, true]);
  // U+1F600 is a surrogate pair in JS, which String comparison puts before U+FF5E; in UTF-8 it is after.
  assert.deepEqual(['\u{1F600}', '\uFF5E', 'b', 'B', 'ba'].sort(compareGroups), ['B', 'b', 'ba', '\uFF5E', '\u{1F600}']);
});

test('rows come out as the engine returns them: per bucket the total row first, then groups in order', () => {
  const rows = [
    { bucket: 7200, grp: 'x', d: 10, b: 8, u: 0, i: 'a' },
    { bucket: 3600, grp: 'y', d: 3, b: 0, u: 1, i: null },
    { bucket: 3600, grp: 'x', d: 5, b: 4, u: 0, i: 'a' },
    { bucket: 3600, grp: 'x', d: 8, b: 7, u: 0, i: 'a' },
  ];
  assert.deepEqual(aggregateRows(rows, spec), [
    {
      bucket: 3600,
      grp: null,
      is_total: 1,
      total: 3,
      d_min: 3,
      d_max: 8,
      d_sum: 16,
      d_median: 5,
      d_p90: 7.4,
      d_p95: 7.699999999999999,
      d_p99: 7.9399999999999995,
      answered: 2,
      ab_sum: 11,
      b_min: 0,
      b_max: 7,
      b_sum: 11,
      b_median: 4,
      calls: 2,
    },
    {
      bucket: 3600,
      grp: 'x',
      is_total: 0,
      total: 2,
      d_min: 5,
      d_max: 8,
      d_sum: 13,
      d_median: 6.5,
      d_p90: 7.7,
      d_p95: 7.85,
      d_p99: 7.97,
      answered: 2,
      ab_sum: 11,
      b_min: 4,
      b_max: 7,
      b_sum: 11,
      b_median: 5.5,
      calls: 1,
    },
    {
      bucket: 3600,
      grp: 'y',
      is_total: 0,
      total: 1,
      d_min: 3,
      d_max: 3,
      d_sum: 3,
      d_median: 3,
      d_p90: 3,
      d_p95: 3,
      d_p99: 3,
      answered: 0,
      ab_sum: 0,
      b_min: 0,
      b_max: 0,
      b_sum: 0,
      b_median: 0,
      calls: 1,
    },
    {
      bucket: 7200,
      grp: null,
      is_total: 1,
      total: 1,
      d_min: 10,
      d_max: 10,
      d_sum: 10,
      d_median: 10,
      d_p90: 10,
      d_p95: 10,
      d_p99: 10,
      answered: 1,
      ab_sum: 8,
      b_min: 8,
      b_max: 8,
      b_sum: 8,
      b_median: 8,
      calls: 1,
    },
    {
      bucket: 7200,
      grp: 'x',
      is_total: 0,
      total: 1,
      d_min: 10,
      d_max: 10,
      d_sum: 10,
      d_median: 10,
      d_p90: 10,
      d_p95: 10,
      d_p99: 10,
      answered: 1,
      ab_sum: 8,
      b_min: 8,
      b_max: 8,
      b_sum: 8,
      b_median: 8,
      calls: 1,
    },
  ]);
});
