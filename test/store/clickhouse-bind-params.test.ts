import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindParams } from '../../src/store/clickhouse/bind-params.js';
import { parseClickHouseUrl } from '../../src/store/clickhouse/url.js';

test('bindParams replaces ? outside literals, identifiers and comments', () => {
  assert.equal(
    bindParams("SELECT '?', `a?` FROM t -- ?\nWHERE a = ? AND b IN (?, ?) /* ? */ AND c = ?", ["x'y\\", 5, -3, null]),
    "SELECT '?', `a?` FROM t -- ?\nWHERE a = 'x\\'y\\\\' AND b IN (5, (-3)) /* ? */ AND c = NULL",
  );
});

test('bindParams rejects a count mismatch', () => {
  assert.throws(() => bindParams('SELECT ?', []), /more placeholders/);
  assert.throws(() => bindParams('SELECT 1', [1]), /0 placeholders but 1/);
});

test('bindParams renders values with the strict literals of store/clickhouse/literal.ts', () => {
  assert.equal(bindParams('SELECT ?, ?, ?, ?', [true, false, ['a', "b'"], [1, -2]]), "SELECT 1, 0, ['a', 'b\\''], [1, -2]");
  assert.equal(bindParams('SELECT ?', ['a\u0000\n']), "SELECT 'a\\0\\n'");
  assert.throws(() => bindParams('SELECT ?', [1.5]), /refusing non-integer/);
  assert.throws(() => bindParams('SELECT ?', [NaN]), /refusing non-integer/);
  assert.throws(() => bindParams('SELECT ?', [['a', 2]]), /mixed types/);
  assert.throws(() => bindParams('SELECT ?', ['\ud800']), /lone UTF-16 surrogate/);
});

test('parseClickHouseUrl reads host, database, cluster and hosts', () => {
  assert.deepEqual(parseClickHouseUrl('clickhouse://db.example:8123/stats'), {
    url: 'http://db.example:8123',
    database: 'stats',
    username: 'default',
    password: '',
  });
  assert.deepEqual(parseClickHouseUrl('clickhouse://u:p%40ss@h:9/d?cluster=c1&hosts=a:1,b:2'), {
    url: 'http://h:9',
    database: 'd',
    username: 'u',
    password: 'p@ss',
    cluster: 'c1',
    hosts: ['http://a:1', 'http://b:2'],
  });
  assert.throws(() => parseClickHouseUrl('clickhouse://h:1/bad-name'), /identifier/);
  assert.throws(() => parseClickHouseUrl('clickhouse://h:1/d?cluster=x;DROP'), /identifier/);
  assert.throws(() => parseClickHouseUrl('duckdb:./x'), /clickhouse:\/\//);
});
