import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBListValue, type DuckDBConnection } from '@duckdb/node-api';
import { parseQuery } from '../../src/query/parse-query.js';
import { andNode, orNode, type FilterNode } from '../../src/query/ast.js';
import { compileWhere, requiredZoneJoins } from '../../src/sql/compile-filter.js';
import { duckdbDialect } from '../../src/sql/duckdb.js';
import { clickhouseDialect } from '../../src/sql/clickhouse.js';
import { testContext } from '../query/parse-context.js';
import { fixtureDb, matchingCallIds } from './duckdb-fixture.js';
import { clickhouseFixture, matchingCallIdsClickHouse, type ClickHouseFixture } from './clickhouse-fixture.js';

let conn: DuckDBConnection;
let ch: ClickHouseFixture;
before(async () => {
  [conn, ch] = await Promise.all([fixtureDb(), clickhouseFixture()]);
});
after(() => ch?.stop());

/** The matching call ids on both engines, which must agree. */
async function matching(filter: FilterNode): Promise<string[]> {
  const [d, c] = await Promise.all([matchingCallIds(conn, filter), matchingCallIdsClickHouse(ch, filter)]);
  assert.deepEqual(c, d, 'ClickHouse matches the same calls as DuckDB');
  return d;
}

const filters = (...entries: unknown[]): FilterNode => parseQuery({ filters: entries }, testContext()).filters;
// DuckDB list parameters are DuckDBListValue objects; compare their items.
const plain = (params: readonly unknown[]) => params.map((p) => (p instanceof DuckDBListValue ? { list: p.items } : p));

interface Case {
  filter: FilterNode;
  duckdb: string;
  duckdbParams: unknown[];
  clickhouse: string;
  rows: string[];
}

/** States the exact SQL per dialect (ClickHouse has literals, no parameters), then runs both on the fixture and checks the rows. */
async function check(c: Case): Promise<void> {
  const d = compileWhere(c.filter, duckdbDialect);
  assert.equal(d.sql, c.duckdb);
  assert.deepEqual(plain(d.params), c.duckdbParams);
  const h = compileWhere(c.filter, clickhouseDialect);
  assert.equal(h.sql, c.clickhouse);
  assert.deepEqual(h.params, []);
  assert.deepEqual(await matchingCallIds(conn, c.filter), c.rows);
  assert.deepEqual(await matchingCallIdsClickHouse(ch, c.filter), c.rows);
}

test('nested and/or; NULL in one OR branch does not hide the other', () =>
  check({
    filter: filters(
      { name: 'call_direction', op: '==', val: 'inbound' },
      {
        or: [
          { name: 'duration_seconds', op: '>=', val: '60' },
          {
            and: [
              { name: 'unanswered', op: 'eq', val: 1 },
              { name: 'hangup_cause', op: 'ne', val: 'USER_BUSY' },
            ],
          },
        ],
      },
    ),
    duckdb: 'c."call_direction" = $1 AND (c."duration_seconds" >= $2 OR (c."unanswered" = $3 AND COALESCE(c."hangup_cause" <> $4, FALSE)))',
    duckdbParams: ['inbound', 60, true, 'USER_BUSY'],
    clickhouse:
      "c.`call_direction` = 'inbound' AND (c.`duration_seconds` >= 60 OR (c.`unanswered` = 1 AND ifNull(c.`hangup_cause` <> 'USER_BUSY', 0)))",
    rows: ['c1', 'c5'],
  }));

test('ne never matches NULL; an OR with a matching branch still does', () =>
  check({
    filter: filters({
      or: [
        { name: 'hangup_cause', op: '!=', val: 'NORMAL_CLEARING' },
        { name: 'call_direction', op: 'eq', val: 'outbound' },
      ],
    }),
    duckdb: '(COALESCE(c."hangup_cause" <> $1, FALSE) OR c."call_direction" = $2)',
    duckdbParams: ['NORMAL_CLEARING', 'outbound'],
    clickhouse: "(ifNull(c.`hangup_cause` <> 'NORMAL_CLEARING', 0) OR c.`call_direction` = 'outbound')",
    rows: ['c2', 'c3', 'c4', 'c5'],
  }));

test('field-to-field comparison', () =>
  check({
    filter: filters({ name: 'billing_seconds', op: 'lt', field: 'duration_seconds' }),
    duckdb: 'c."billing_seconds" < c."duration_seconds"',
    duckdbParams: [],
    clickhouse: 'c.`billing_seconds` < c.`duration_seconds`',
    rows: ['c1', 'c4', 'c5'],
  }));

test('field-to-field comparison on nullable fields never matches NULL', () =>
  check({
    filter: filters({ name: 'caller_zone_id', op: 'ne', field: 'callee_zone_id' }),
    duckdb: 'COALESCE(c."caller_zone_id" <> c."callee_zone_id", FALSE)',
    duckdbParams: [],
    clickhouse: 'ifNull(c.`caller_zone_id` <> c.`callee_zone_id`, 0)',
    rows: ['c1', 'c4'],
  }));

test('in binds the whole list as one parameter on DuckDB (integers as BIGINT[] text), a tuple of literals on ClickHouse', () =>
  check({
    filter: filters({ name: 'caller_zone_id', op: 'in', val: [5023, '350554'] }),
    duckdb: 'COALESCE(c."caller_zone_id" IN (SELECT unnest(CAST($1 AS BIGINT[]))), FALSE)',
    duckdbParams: ['[5023,350554]'],
    clickhouse: 'ifNull(c.`caller_zone_id` IN (5023, 350554), 0)',
    rows: ['c1', 'c5'],
  }));

test('not_in never matches NULL', () =>
  check({
    filter: filters({ name: 'caller_zone_id', op: 'not_in', val: [5023] }),
    duckdb: 'COALESCE(c."caller_zone_id" IS NOT NULL AND c."caller_zone_id" NOT IN (SELECT unnest(CAST($1 AS BIGINT[]))), FALSE)',
    duckdbParams: ['[5023]'],
    clickhouse: 'ifNull(c.`caller_zone_id` IS NOT NULL AND c.`caller_zone_id` NOT IN (5023), 0)',
    rows: ['c4', 'c5'],
  }));

test('in on a non-nullable field and on booleans', () =>
  check({
    filter: filters({ name: 'call_direction', op: 'in', val: ['outbound'] }, { name: 'unanswered', op: 'not_in', val: ['1'] }),
    duckdb: 'c."call_direction" IN (SELECT unnest($1)) AND c."unanswered" NOT IN (SELECT unnest($2))',
    duckdbParams: [{ list: ['outbound'] }, { list: [true] }],
    clickhouse: "c.`call_direction` IN ('outbound') AND c.`unanswered` NOT IN (1)",
    rows: ['c4'],
  }));

test('is_null and is_not_null', async () => {
  await check({
    filter: filters({ name: 'ringing_seconds', op: 'is_null' }),
    duckdb: 'c."ringing_seconds" IS NULL',
    duckdbParams: [],
    clickhouse: 'c.`ringing_seconds` IS NULL',
    rows: ['c2'],
  });
  await check({
    filter: filters({ name: 'caller_country', op: 'is_not_null' }),
    duckdb:
      'CASE WHEN c."caller_zone_id" IS NULL OR zr."id" IS NULL OR zr."id" <> c."caller_zone_id" THEN NULL ELSE zr."country" END IS NOT NULL',
    duckdbParams: [],
    clickhouse:
      'CASE WHEN c.`caller_zone_id` IS NULL OR zr.`id` IS NULL OR zr.`id` <> c.`caller_zone_id` THEN NULL ELSE zr.`country` END IS NOT NULL',
    rows: ['c1', 'c4', 'c5'],
  });
});

test('ilike lowers both sides; like escapes with backslash', async () => {
  await check({
    filter: filters({ name: 'caller_id_name', op: 'ilike', val: 'élo%' }),
    duckdb: `COALESCE(lower(c."caller_id_name") LIKE lower($1), FALSE)`,
    duckdbParams: ['élo%'],
    clickhouse: "ifNull(lowerUTF8(replaceAll(c.`caller_id_name`, 'İ', 'i')) LIKE lowerUTF8(replaceAll('élo%', 'İ', 'i')), 0)",
    rows: ['c5'],
  });
  await check({
    filter: filters({ name: 'caller_id_name', op: 'like', val: '_ob\\%' }),
    duckdb: `COALESCE(c."caller_id_name" LIKE $1 ESCAPE '\\', FALSE)`,
    duckdbParams: ['_ob\\%'],
    clickhouse: "ifNull(c.`caller_id_name` LIKE '_ob\\\\%', 0)",
    rows: ['c2'],
  });
  assert.deepEqual(await matching(filters({ name: 'caller_id_name', op: 'like', val: '%\\\\%' })), ['c4']);
  assert.deepEqual(await matching(filters({ name: 'caller_id_name', op: 'like', val: '%\\\\' })), []);
});

test("DuckDB: a '%text%' pattern is contains(text), a pattern without a backslash has no ESCAPE (same rows)", async () => {
  await check({
    filter: filters({ name: 'caller_id_name', op: 'like', val: '%ob%' }),
    duckdb: `COALESCE(contains(c."caller_id_name", $1), FALSE)`,
    duckdbParams: ['ob'],
    clickhouse: "ifNull(c.`caller_id_name` LIKE '%ob%', 0)",
    rows: ['c2'],
  });
  await check({
    filter: filters({ name: 'caller_id_name', op: 'ilike', val: '%OB%' }),
    duckdb: `COALESCE(contains(lower(c."caller_id_name"), lower($1)), FALSE)`,
    duckdbParams: ['OB'],
    clickhouse: "ifNull(lowerUTF8(replaceAll(c.`caller_id_name`, 'İ', 'i')) LIKE lowerUTF8(replaceAll('%OB%', 'İ', 'i')), 0)",
    rows: ['c2'],
  });
  assert.deepEqual(
    await matching(filters({ name: 'caller_id_name', op: 'like', val: '%' })),
    await matching(filters({ name: 'caller_id_name', op: 'is_not_null' })),
  );
  assert.deepEqual(await matching(filters({ name: 'caller_id_name', op: 'like', val: 'ALICE' })), []);
});

test('country and region come from the joined zone table', async () => {
  await check({
    filter: filters({ name: 'callee_country', op: 'eq', val: 'New Zealand' }),
    duckdb:
      'COALESCE(CASE WHEN c."callee_zone_id" IS NULL OR ze."id" IS NULL OR ze."id" <> c."callee_zone_id" THEN NULL ELSE ze."country" END = $1, FALSE)',
    duckdbParams: ['New Zealand'],
    clickhouse:
      "ifNull(CASE WHEN c.`callee_zone_id` IS NULL OR ze.`id` IS NULL OR ze.`id` <> c.`callee_zone_id` THEN NULL ELSE ze.`country` END = 'New Zealand', 0)",
    rows: ['c2', 'c4'],
  });
  await check({
    filter: filters({ name: 'caller_region', op: 'in', val: ['United Kingdom', 'New Zealand Balclutha'] }),
    duckdb:
      'COALESCE(CASE WHEN c."caller_zone_id" IS NULL OR zr."id" IS NULL OR zr."id" <> c."caller_zone_id" THEN NULL WHEN zr."description" = \'\' THEN zr."country" ' +
      'ELSE concat(zr."country", \' \', zr."description") END IN (SELECT unnest($1)), FALSE)',
    duckdbParams: [{ list: ['United Kingdom', 'New Zealand Balclutha'] }],
    clickhouse:
      "ifNull(CASE WHEN c.`caller_zone_id` IS NULL OR zr.`id` IS NULL OR zr.`id` <> c.`caller_zone_id` THEN NULL WHEN zr.`description` = '' THEN zr.`country` " +
      "ELSE concat(zr.`country`, ' ', zr.`description`) END IN ('United Kingdom', 'New Zealand Balclutha'), 0)",
    rows: ['c1', 'c4'],
  });
  assert.deepEqual(await matching(filters({ name: 'caller_region', op: 'is_null' })), ['c2', 'c3']);
});

test('call_time compares UTC epoch seconds', () =>
  check({
    filter: filters(
      { name: 'call_time', op: '>=', val: '09:00:00 04/03/2016' },
      { name: 'call_time', op: '<', val: '11:00:00 04/03/2016' },
    ),
    duckdb: 'c."call_time" >= $1 AND c."call_time" < $2',
    duckdbParams: [1457082000, 1457089200],
    clickhouse: 'c.`call_time` >= 1457082000 AND c.`call_time` < 1457089200',
    rows: ['c2', 'c3'],
  }));

test('empty and/or are portable constants', async () => {
  await check({ filter: andNode([]), duckdb: '1 = 1', duckdbParams: [], clickhouse: '1 = 1', rows: ['c1', 'c2', 'c3', 'c4', 'c5'] });
  await check({ filter: andNode([orNode([])]), duckdb: '1 = 0', duckdbParams: [], clickhouse: '1 = 0', rows: [] });
});

test('requiredZoneJoins reports the zone sides a filter and grouping read', () => {
  assert.deepEqual(requiredZoneJoins(filters({ name: 'unanswered', op: 'eq', val: 1 })), { caller: false, callee: false });
  assert.deepEqual(requiredZoneJoins(filters({ or: [{ name: 'callee_region', op: 'is_null' }] })), { caller: false, callee: true });
  assert.deepEqual(requiredZoneJoins(andNode([]), 'caller_country'), { caller: true, callee: false });
  assert.deepEqual(requiredZoneJoins(undefined, 'caller_zone_id'), { caller: false, callee: false });
});
