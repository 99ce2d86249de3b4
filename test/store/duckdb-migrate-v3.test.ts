import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/duckdb/schema.js';
import type { Call } from '../../src/core/call.js';
import { call as baseCall } from '../helpers/call.js';

function call(account: string, id: string, t: number): Call {
  return baseCall({
    account_id: account,
    call_id: id,
    call_time: t,
    caller_id_number: '+6421000000',
    duration_seconds: t % 100,
    billing_seconds: t % 50,
    unanswered: t % 3 === 0,
  });
}

test('migration 3 drops the calls key index, keeps every call in sorted order, and duplicates are still refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callstats-migrate-v3-'));
  const path = join(dir, 'old.duckdb');
  try {
    // A store as release 2 left it: migrations 1 and 2 only, calls inserted out of order.
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    await c.run('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const [i, m] of MIGRATIONS.slice(0, 2).entries()) {
      for (const stmt of m) await c.run(stmt);
      await c.run('INSERT INTO schema_version VALUES ($1)', [i + 1]);
    }
    const times = [500, 100, 300, 200, 400];
    for (const [i, t] of times.entries()) {
      await c.run(`INSERT INTO calls VALUES ($1, $2, $3, 'inbound', NULL, NULL, NULL, NULL, NULL, 10, 5, NULL, false, NULL)`, [
        i % 2 ? 'b' : 'a',
        `c${i}`,
        t,
      ]);
    }
    const before = (await c.runAndReadAll(`SELECT count(*) FROM duckdb_indexes() WHERE table_name = 'calls'`)).getRows()[0][0];
    const constraints = (
      await c.runAndReadAll(`SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'calls' AND constraint_type = 'PRIMARY KEY'`)
    ).getRows()[0][0];
    assert.equal(Number(before) + Number(constraints) > 0, true, 'release 2 had a key on calls');
    c.closeSync();
    db.closeSync();

    const store = new DuckDBStore(path);
    await store.init();
    try {
      const [v] = await store.all({ sql: 'SELECT max(version) AS v FROM schema_version', params: [] });
      assert.equal(v.v, SCHEMA_VERSION);
      const [k] = await store.all({
        sql: `SELECT count(*) AS n FROM duckdb_constraints() WHERE table_name = 'calls' AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')`,
        params: [],
      });
      assert.equal(k.n, 0);
      const rows = await store.all({ sql: 'SELECT account_id, call_id, call_time FROM calls', params: [] });
      assert.deepEqual(
        rows.map((r) => `${String(r.account_id)}/${String(r.call_id)}/${String(r.call_time)}`),
        ['a/c2/300', 'a/c4/400', 'a/c0/500', 'b/c1/100', 'b/c3/200'],
        'rewritten in (account, call_time) order',
      );
      assert.equal(await store.unsortedCalls(), 0);
      // Old and new calls: a re-sent old call and a repeat inside the batch are duplicates.
      const result = await store.insertCalls([
        call('a', 'c0', 500),
        call('a', 'new', 600),
        call('b', 'c1', 999),
        call('a', 'new', 600),
        call('b', 'c0', 700),
      ]);
      assert.deepEqual(result, { inserted: 2, duplicates: 3 });
      assert.equal(await store.countCalls(), 7);
      assert.deepEqual(await store.insertCalls([call('a', 'new', 600), call('b', 'c0', 700)]), { inserted: 0, duplicates: 2 });
      assert.equal(await store.countCalls(), 7);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
