import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindParams, sqlLiteral } from '../../src/store/clickhouse/sql-literal.js';
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

test('sqlLiteral encodes booleans, arrays and refuses NaN', () => {
  assert.equal(sqlLiteral(true), '1');
  assert.equal(sqlLiteral(['a', 2]), "['a', 2]");
  assert.equal(sqlLiteral(1.5), '1.5');
  assert.throws(() => sqlLiteral(NaN), /non-finite/);
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
