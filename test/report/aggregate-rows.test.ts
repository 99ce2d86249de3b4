/**
 * report/aggregate-rows.ts: the engine's aggregation redone from raw rows. The differential tests
 * compare whole answers against the reference on both paths; these pin the engine semantics it
 * copies (quantile_cont interpolation, DuckDB's group order) on exact small cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateRows, compareGroups, quantileCont } from '../../src/report/aggregate-rows.js';
import type { StatsSpec } from '../../src/sql/dialect.js';
import { statsRowsColumns } from '../../src/sql/stats-sql.js';
import type { ColumnChunk } from '../../src/store/store.js';

/** Rows as statsRowsQuery's result: chunks of `size` rows, columns in statsRowsColumns' order. */
function chunksOf(rows: Record<string, unknown>[], spec: StatsSpec, size = 2048): ColumnChunk[] {
  const columns = statsRowsColumns(spec);
  const out: ColumnChunk[] = [];
  for (let at = 0; at < rows.length; at += size) {
    const part = rows.slice(at, at + size);
    out.push({ rowCount: part.length, getColumnVector: (c) => ({ getItem: (r) => part[r][columns[c]] }) });
  }
  return out;
}

const spec: StatsSpec = { grouped: true, answered: true, billing: true, percentiles: true, calls: true };

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
  assert.deepEqual(aggregateRows(chunksOf(rows, spec), spec), [
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

test('cells spread over chunks and out of order aggregate as one: buckets and groups interned across chunks', () => {
  const plain: StatsSpec = { grouped: true, answered: false, billing: false, percentiles: false, calls: false };
  // Zone ids as DuckDB's BIGINT would give them; NULL sorts last; chunks of two rows.
  const rows = [
    { bucket: 7200, grp: 5n, d: 4 },
    { bucket: 3600, grp: null, d: 9 },
    { bucket: 3600, grp: 5n, d: 1 },
    { bucket: 7200, grp: 5n, d: 2 },
    { bucket: 3600, grp: 12n, d: 6 },
    { bucket: 3600, grp: 5n, d: 3 },
  ];
  const row = (bucket: number, grp: unknown, is_total: number, ds: number[], median: number) => ({
    bucket,
    grp,
    is_total,
    total: ds.length,
    d_min: Math.min(...ds),
    d_max: Math.max(...ds),
    d_sum: ds.reduce((x, y) => x + y, 0),
    d_median: median,
  });
  assert.deepEqual(aggregateRows(chunksOf(rows, plain, 2), plain), [
    row(3600, null, 1, [9, 1, 6, 3], 4.5),
    row(3600, 5, 0, [1, 3], 2),
    row(3600, 12, 0, [6], 6),
    row(3600, null, 0, [9], 9),
    row(7200, null, 1, [4, 2], 3),
    row(7200, 5, 0, [4, 2], 3),
  ]);
  const ungrouped = { ...plain, grouped: false };
  assert.deepEqual(aggregateRows(chunksOf(rows, ungrouped, 4), ungrouped), [
    row(3600, null, 1, [9, 1, 6, 3], 4.5),
    row(7200, null, 1, [4, 2], 3),
  ]);
});

test('no rows, no buckets', () => {
  assert.deepEqual(aggregateRows([], spec), []);
});
