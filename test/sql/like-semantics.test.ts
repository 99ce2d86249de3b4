import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { likeMatcher, lowerSimple } from '../reference/like.js';
import { duckdbDialect } from '../../src/sql/duckdb.js';
import { ParamCollector } from '../../src/sql/params.js';

const TEXTS = ['', 'a', 'A', 'abc', 'a%c', 'a_c', 'a\\c', '¥', 'é', 'É', '😀', 'ÉLODIE', 'ΣΑΣ', 'x\ny', "O'Brien"];
const PATTERNS = ['%', '_', '__', 'a%', '%c', 'a_c', 'a\\%c', 'a\\_c', 'a\\\\c', '%\\\\%', 'é%', 'élodie', 'σας', 'σασ', 'x_y', "%'%"];

test('the TypeScript LIKE rule (for the in-memory reference) agrees with DuckDB', async () => {
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  for (const ci of [false, true]) {
    for (const pattern of PATTERNS) {
      const match = likeMatcher(pattern, ci);
      for (const text of TEXTS) {
        const params = new ParamCollector();
        const sql = duckdbDialect.like(`$${params.add(text)}`, pattern, ci, params);
        const r = await conn.runAndReadAll(`SELECT ${sql} AS m`, params.values as DuckDBValue[]);
        assert.equal(r.getRowObjectsJS()[0].m, match(text), `${JSON.stringify(text)} ${ci ? 'ilike' : 'like'} ${JSON.stringify(pattern)}`);
      }
    }
  }
});

test('lowerSimple lowers per code point like DuckDB lower', async () => {
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  for (const text of ['ÀÉÎÕÜ', 'İstanbul', 'ΣΑΣ', 'ẞ', 'ÉLODIE 😀', 'ABC']) {
    const r = await conn.runAndReadAll('SELECT lower($1) AS l', [text]);
    assert.equal(lowerSimple(text), r.getRowObjectsJS()[0].l, text);
  }
});
