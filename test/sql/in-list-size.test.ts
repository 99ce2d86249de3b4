import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../src/query/parse-query.js';
import { compileWhere } from '../../src/sql/compile-filter.js';
import { duckdbDialect } from '../../src/sql/duckdb.js';
import { testContext } from '../query/parse-context.js';
import { fixtureDb, matchingCallIds } from './duckdb-fixture.js';

test('an in with 100,000 zone ids parses, compiles and runs on DuckDB', async () => {
  // A whole country's zones, as the dashboard sends them; the fixture's ids are among them.
  const ids = Array.from({ length: 100_000 }, (_, i) => String(1_000_000 + i));
  ids[500] = '5023';
  ids[99_999] = '350554';
  const q = JSON.stringify({ data: { filters: [{ name: 'caller_zone_id', op: 'in', val: ids }] } });
  const started = performance.now();
  const parsed = parseQuery(q, testContext());
  const compiled = compileWhere(parsed.filters, duckdbDialect);
  const elapsed = performance.now() - started;
  console.log(`# parse+compile of ${ids.length} ids (${(q.length / 1024).toFixed(0)} KiB of JSON): ${elapsed.toFixed(1)} ms`);
  assert.equal(compiled.sql, 'COALESCE(c."caller_zone_id" IN (SELECT unnest(CAST($1 AS BIGINT[]))), FALSE)');
  const conn = await fixtureDb();
  const ran = performance.now();
  assert.deepEqual(await matchingCallIds(conn, parsed.filters), ['c1', 'c5']);
  console.log(`# DuckDB run: ${(performance.now() - ran).toFixed(1)} ms`);
});

test('ids beyond 32 bits in one list still bind on DuckDB', async () => {
  const parsed = parseQuery(
    {
      filters: [
        { name: 'call_time', op: 'in', val: ['08:00:00 04/03/2016'] },
        { name: 'caller_zone_id', op: 'in', val: [5023, 3_000_000_000] },
      ],
    },
    testContext(),
  );
  assert.deepEqual(await matchingCallIds(await fixtureDb(), parsed.filters), ['c1']);
});
