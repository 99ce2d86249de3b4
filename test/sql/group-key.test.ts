import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { CALL_COLUMN_DEFS } from '../../src/core/call.js';
import { duckdbDialect } from '../../src/sql/duckdb.js';
import { statsQuery, statsRowsQuery } from '../../src/sql/stats-sql.js';
import { canonicalRow } from '../../src/store/canonical-row.js';
import { duckdbColumnType } from '../../src/store/duckdb/schema.js';
import { FIXTURE_CALLS } from './fixture-rows.js';

const spec = { grouped: true, answered: false, billing: false, percentiles: false, calls: false };
const query = (grouping: string) =>
  statsQuery(
    { filters: { kind: 'AndNode', children: [] }, grouping, period: 'daily', weekStart: 'monday', segments: [], range: [0, 2 ** 31], spec },
    duckdbDialect,
  );

/** The five fixture calls split over the two tables behind DuckDB's `calls` view: three sorted, two in the tail. */
async function splitDb(): Promise<DuckDBConnection> {
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  const columns = CALL_COLUMN_DEFS.map((c) => `${c.name} ${duckdbColumnType(c)}`).join(', ');
  for (const table of ['calls_sorted', 'calls_tail']) await conn.run(`CREATE TABLE ${table} (${columns})`);
  for (const [i, row] of FIXTURE_CALLS.entries()) {
    const values = CALL_COLUMN_DEFS.map((c) => row[c.name] ?? null) as DuckDBValue[];
    await conn.run(`INSERT INTO ${i < 3 ? 'calls_sorted' : 'calls_tail'} VALUES (${values.map((_, j) => `$${j + 1}`).join(', ')})`, values);
  }
  return conn;
}

async function rows(grouping: string): Promise<unknown[]> {
  const conn = await splitDb();
  const { sql, params } = query(grouping);
  const reader = await conn.runAndReadAll(sql, params as DuckDBValue[]);
  return reader.getRowObjectsJS().map((r) => {
    const c = canonicalRow(r);
    return [c.grp, c.is_total, c.total, c.d_min, c.d_max, c.d_sum, c.d_median];
  });
}

test('a NOT NULL text field (call_direction) is grouped on the bare column, with no COALESCE (calls in both tables)', async () => {
  const { sql } = query('call_direction');
  assert.ok(sql.includes(`c."call_direction" AS grp`), sql);
  assert.ok(!sql.includes('COALESCE'), sql);
  // The fixture's day: 3 inbound calls (60, 30, 15 s) and 2 outbound (0, 120 s).
  assert.deepEqual(await rows('call_direction'), [
    [null, 1, 5, 0, 120, 225, 30],
    ['inbound', 0, 3, 15, 60, 105, 30],
    ['outbound', 0, 2, 0, 120, 120, 60],
  ]);
});

test("a nullable text field (hangup_cause) keeps COALESCE: a missing value is the group 'null'", async () => {
  const { sql } = query('hangup_cause');
  assert.ok(sql.includes(`COALESCE(c."hangup_cause", 'null') AS grp`), sql);
  assert.deepEqual(await rows('hangup_cause'), [
    [null, 1, 5, 0, 120, 225, 30],
    ['NORMAL_CLEARING', 0, 2, 60, 120, 180, 90],
    ['NO_ANSWER', 0, 1, 15, 15, 15, 15],
    ['USER_BUSY', 0, 1, 30, 30, 30, 30],
    ['null', 0, 1, 0, 0, 0, 0],
  ]);
});

test('the DuckDB statistics source reads each table behind the calls view in its own branch, the values bound once', () => {
  const { sql, params } = query('call_direction');
  assert.ok(sql.includes('FROM "calls_sorted" c WHERE 1 = 1 AND c.call_time >= $1 AND c.call_time <= $2 UNION ALL SELECT'), sql);
  assert.ok(sql.includes('FROM "calls_tail" c WHERE 1 = 1 AND c.call_time >= $1 AND c.call_time <= $2) s'), sql);
  assert.ok(!sql.includes('FROM "calls" c'), sql);
  assert.deepEqual(params, [0, 2 ** 31]);
});

test('the raw rows (statsRowsQuery) read each table in its own branch too, every call of both tables once', async () => {
  const input = {
    filters: { kind: 'AndNode', children: [] },
    grouping: 'call_direction',
    period: 'daily',
    weekStart: 'monday',
    segments: [],
    range: [0, 2 ** 31],
    spec,
  } as const;
  const { sql, params } = statsRowsQuery(input, duckdbDialect, 10);
  assert.ok(sql.includes('FROM "calls_sorted" c WHERE'), sql);
  assert.ok(sql.includes('UNION ALL SELECT'), sql);
  assert.ok(sql.includes('FROM "calls_tail" c WHERE'), sql);
  assert.ok(!sql.includes('FROM "calls" c'), sql);
  assert.ok(sql.endsWith(') s LIMIT 10'), sql);
  const conn = await splitDb();
  const got = (await conn.runAndReadAll(sql, params as DuckDBValue[])).getRowsJS().map(([, grp, d]) => [grp, d]);
  // The fixture's five calls, three stored sorted and two in the tail, each read once.
  assert.deepEqual(
    got.sort((a, b) => String(a).localeCompare(String(b))),
    [
      ['inbound', 15],
      ['inbound', 30],
      ['inbound', 60],
      ['outbound', 0],
      ['outbound', 120],
    ],
  );
});
