import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DuckDBValue } from '@duckdb/node-api';
import { duckdbDialect } from '../../src/sql/duckdb.js';
import { statsQuery } from '../../src/sql/stats-sql.js';
import { canonicalRow } from '../../src/store/canonical-row.js';
import { fixtureDb } from './duckdb-fixture.js';

const spec = { grouped: true, answered: false, billing: false, percentiles: false, calls: false };
const query = (grouping: string) =>
  statsQuery(
    { filters: { kind: 'AndNode', children: [] }, grouping, period: 'daily', weekStart: 'monday', segments: [], range: [0, 2 ** 31], spec },
    duckdbDialect,
  );

async function rows(grouping: string): Promise<unknown[]> {
  const conn = await fixtureDb();
  const { sql, params } = query(grouping);
  const reader = await conn.runAndReadAll(sql, params as DuckDBValue[]);
  return reader.getRowObjectsJS().map((r) => {
    const c = canonicalRow(r);
    return [c.grp, c.is_total, c.total, c.d_min, c.d_max, c.d_sum, c.d_median];
  });
}

test('a NOT NULL text field (call_direction) is grouped on the bare column, with no COALESCE', async () => {
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
