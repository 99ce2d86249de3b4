import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CallstatsError } from '../../src/core/errors.js';
import { parseQuery } from '../../src/query/parse-query.js';
import type { FilterNode } from '../../src/query/ast.js';
import { compileWhere } from '../../src/sql/compile-filter.js';
import { clickhouseDialect } from '../../src/sql/clickhouse.js';
import { duckdbDialect } from '../../src/sql/duckdb.js';
import {
  clickhouseArray,
  clickhouseInteger,
  clickhouseLiteral,
  clickhouseString,
  clickhouseTuple,
} from '../../src/store/clickhouse/literal.js';
import { ParamCollector } from '../../src/sql/params.js';
import { testContext } from '../query/parse-context.js';
import { fixtureDb, matchingCallIds } from './duckdb-fixture.js';
import { clickhouseFixture, matchingCallIdsClickHouse, type ClickHouseFixture } from './clickhouse-fixture.js';

let conn: DuckDBConnection;
let ch: ClickHouseFixture;
before(async () => {
  [conn, ch] = await Promise.all([fixtureDb(), clickhouseFixture()]);
});
after(() => ch?.stop());

const filters = (...entries: unknown[]): FilterNode => parseQuery({ filters: entries }, testContext()).filters;

const HOSTILE = [
  "'; DROP TABLE calls; --",
  "\\' OR 1=1 --",
  "' OR '1'='1",
  "x') OR ('1'='1",
  '" OR ""="',
  '‘ OR 1=1 --',
  'ʼ OR 1=1; --',
  '＇ OR 1=1',
  '\\',
  '\\\\',
  'a\u0000b',
  '\u0000',
  '$1',
  '?',
  '{p:String}',
  '\n; DROP TABLE zones;\n',
  '\u001f\u007f',
  'x'.repeat(1_000_000),
];

/** Every hostile value under every text operator, with the calls it must match (ne: every non-NULL name). */
function hostileCases(): { label: string; filter: FilterNode; want: string[] }[] {
  const cases = [];
  for (const val of HOSTILE) {
    // Patterns are capped at 1,000 characters (a 400), so the long value is only compared, not matched.
    const ops = val.length > 1000 ? (['eq', 'ne', 'in'] as const) : (['eq', 'ne', 'in', 'like', 'ilike'] as const);
    for (const op of ops) {
      const v =
        op === 'in' ? [val] : op.includes('like') ? val.replaceAll('\\', '\\\\').replaceAll('%', '\\%').replaceAll('_', '\\_') : val;
      // ne matches every non-NULL name: proof the value was compared, not executed.
      const want = op === 'ne' ? ['c1', 'c2', 'c4', 'c5'] : [];
      cases.push({ label: `${op} ${val.slice(0, 40)}`, filter: filters({ name: 'caller_id_name', op, val: v }), want });
    }
  }
  return cases;
}

test('hostile text values are inert on DuckDB: they match nothing and the tables survive', async () => {
  for (const { label, filter, want } of hostileCases()) {
    assert.deepEqual(await matchingCallIds(conn, filter), want, label);
  }
  const count = await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM calls');
  assert.deepEqual(count.getRowObjectsJS(), [{ n: 5 }]);
});

test('hostile text values are inert on ClickHouse: they match nothing and the tables survive', async () => {
  for (const { label, filter, want } of hostileCases()) {
    assert.deepEqual(await matchingCallIdsClickHouse(ch, filter), want, label);
  }
  assert.equal(await ch.count('calls'), 5);
  assert.equal(await ch.count('zones'), 4);
});

test('a value holding quotes and backslashes matches itself literally on DuckDB', async () => {
  assert.deepEqual(await matchingCallIds(conn, filters({ name: 'caller_id_name', op: 'eq', val: "O'Brien \\ x" })), ['c4']);
  assert.deepEqual(await matchingCallIds(conn, filters({ name: 'caller_id_name', op: 'like', val: "O'%\\\\%" })), ['c4']);
});

test('a value holding quotes and backslashes matches itself literally on ClickHouse', async () => {
  assert.deepEqual(await matchingCallIdsClickHouse(ch, filters({ name: 'caller_id_name', op: 'eq', val: "O'Brien \\ x" })), ['c4']);
  assert.deepEqual(await matchingCallIdsClickHouse(ch, filters({ name: 'caller_id_name', op: 'like', val: "O'%\\\\%" })), ['c4']);
  assert.deepEqual(await matchingCallIdsClickHouse(ch, filters({ name: 'caller_id_name', op: 'in', val: ["O'Brien \\ x", 'bob%'] })), [
    'c2',
    'c4',
  ]);
});

test('hostile values never reach the SQL text on DuckDB: the text is the same for every value', () => {
  const sqls = new Set(HOSTILE.map((val) => compileWhere(filters({ name: 'hangup_cause', op: 'eq', val }), duckdbDialect).sql));
  assert.deepEqual([...sqls], ['COALESCE(c."hangup_cause" = $1, FALSE)']);
});

test('field names that look like SQL are refused by the registry', () => {
  for (const name of ['call_id; DROP TABLE calls', 'c."call_id"', '1=1 OR caller_id_name', 'caller_id_name ', 'CALLER_ID_NAME', '*']) {
    assert.throws(
      () => filters({ name, op: 'eq', val: 'x' }),
      (e: CallstatsError) => e.code === 'ERR_FILTER_UNKNOWN_FIELD',
    );
    assert.throws(
      () => filters({ name: 'caller_id_name', op: 'eq', field: name }),
      (e: CallstatsError) => e.code === 'ERR_FILTER_UNKNOWN_FIELD',
    );
    assert.throws(
      () => parseQuery({ grouping: name }, testContext()),
      (e: CallstatsError) => e.code === 'ERR_GROUPING',
    );
  }
  assert.throws(() => duckdbDialect.identifier('a"b'), /refusing SQL identifier/);
  assert.throws(() => clickhouseDialect.identifier('a`b'), /refusing SQL identifier/);
});

test('ClickHouse string literals escape quote, backslash and every control character', () => {
  assert.equal(clickhouseString("'; DROP TABLE calls; --"), "'\\'; DROP TABLE calls; --'");
  assert.equal(clickhouseString("\\' OR 1=1"), "'\\\\\\' OR 1=1'");
  assert.equal(clickhouseString('a\u0000b'), "'a\\0b'");
  assert.equal(clickhouseString('\b\f\n\r\t'), "'\\b\\f\\n\\r\\t'");
  assert.equal(clickhouseString('\u0001\u001b\u001f\u007f'), "'\\x01\\x1B\\x1F\\x7F'");
  assert.equal(clickhouseString('‘ʼ＇"`'), "'‘ʼ＇\"`'");
  assert.equal(clickhouseString('ÉLODIE 😀'), "'ÉLODIE 😀'");
  assert.equal(clickhouseString(''), "''");
  assert.equal(clickhouseString('\\'), "'\\\\'");
  const long = clickhouseString("'".repeat(100_000));
  assert.equal(long, `'${"\\'".repeat(100_000)}'`);
  assert.throws(() => clickhouseString('\ud800'), /lone UTF-16 surrogate/);
});

test('ClickHouse literal output never lets a quote through unescaped', () => {
  // Reading the literal back by ClickHouse rules must give the original text and end at the last quote.
  for (const val of HOSTILE) {
    const lit = clickhouseString(val);
    let i = 1;
    let out = '';
    const back: Record<string, string> = { '0': '\0', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'" };
    while (lit[i] !== "'") {
      if (lit[i] === '\\') {
        const e = lit[i + 1];
        if (e === 'x') {
          out += String.fromCharCode(parseInt(lit.slice(i + 2, i + 4), 16));
          i += 4;
        } else {
          out += back[e];
          i += 2;
        }
      } else out += lit[i++];
    }
    assert.equal(i, lit.length - 1, 'the literal ends at its closing quote');
    assert.equal(out, val);
  }
});

test('ClickHouse integers, booleans and lists are typed and validated', () => {
  assert.equal(clickhouseInteger(-42), '-42');
  assert.equal(clickhouseInteger(-0), '0');
  assert.equal(clickhouseLiteral(9007199254740991), '9007199254740991');
  for (const bad of [1.5, NaN, Infinity, 2 ** 60, '1' as unknown as number]) {
    assert.throws(() => clickhouseInteger(bad), /refusing non-integer/);
  }
  assert.equal(clickhouseLiteral(true), '1');
  assert.equal(clickhouseLiteral(false), '0');
  assert.throws(() => clickhouseLiteral({} as unknown as string), /refusing SQL value/);
  assert.equal(clickhouseTuple(["a'b", 'c\\']), "('a\\'b', 'c\\\\')");
  assert.equal(clickhouseArray([1, 2]), '[1, 2]');
  assert.throws(() => clickhouseTuple([]), /empty/);
  assert.throws(() => clickhouseTuple([1, 'x'] as unknown as number[]), /mixed/);
});

test('hostile values compile to exactly escaped ClickHouse SQL, which the server reads as the value', async () => {
  const sql = (val: unknown, op = 'eq') => compileWhere(filters({ name: 'caller_id_name', op, val }), clickhouseDialect).sql;
  assert.equal(sql("'; DROP TABLE calls; --"), "ifNull(c.`caller_id_name` = '\\'; DROP TABLE calls; --', 0)");
  assert.equal(sql(["\\' OR 1=1", 'a\u0000b'], 'in'), "ifNull(c.`caller_id_name` IN ('\\\\\\' OR 1=1', 'a\\0b'), 0)");
  assert.equal(
    sql("%\\%'", 'ilike'),
    "ifNull(lowerUTF8(replaceAll(c.`caller_id_name`, 'İ', 'i')) LIKE lowerUTF8(replaceAll('%\\\\%\\'', 'İ', 'i')), 0)",
  );
  // The server parses each literal back into exactly the value, and the statement ends where it should.
  for (const val of [...HOSTILE, 'ÉLODIE 😀', '\b\f\n\r\t\u0001\u001b']) {
    const result = await ch.client.query({ query: `SELECT ${clickhouseString(val)} AS v, 1 AS after`, format: 'JSONEachRow' });
    assert.deepEqual(await result.json(), [{ v: val, after: 1 }], val.slice(0, 40));
  }
});

test('DuckDB integer lists are bound as validated BIGINT[] text only', () => {
  const params = new ParamCollector();
  assert.equal(duckdbDialect.inList('x', [-1, 2], false, params), 'x IN (SELECT unnest(CAST($1 AS BIGINT[])))');
  assert.deepEqual(params.values, ['[-1,2]']);
  for (const bad of [[1.5], [NaN], [1, 2 ** 60], [1, '2' as unknown as number]]) {
    assert.throws(() => duckdbDialect.inList('x', bad as number[], false, new ParamCollector()), /refusing/);
  }
});
