import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { MIGRATIONS } from '../../src/store/duckdb/schema.js';
import { freshStore } from '../helpers/store.js';
import { call as baseCall } from '../helpers/call.js';

function call(account: string, id: number, t: number): Call {
  return baseCall({
    account_id: account,
    call_id: `c${id}`,
    call_time: t,
    call_direction: id % 2 ? 'inbound' : 'outbound',
    duration_seconds: id % 97,
    billing_seconds: id % 3 ? id % 50 : 0,
    unanswered: id % 3 === 0,
  });
}

/** (account, time, call_id) order of rows as read. */
function sortedCopy(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return [...rows].sort((a, b) =>
    String(a.account_id) < String(b.account_id)
      ? -1
      : String(a.account_id) > String(b.account_id)
        ? 1
        : Number(a.call_time) - Number(b.call_time) || (String(a.call_id) < String(b.call_id) ? -1 : 1),
  );
}

const PER_ACCOUNT =
  'SELECT account_id, count(*) AS n, sum(duration_seconds) AS d, min(call_time) AS lo FROM calls GROUP BY account_id ORDER BY account_id';

describe('DuckDB compaction (incremental maintenance)', () => {
  let f: Awaited<ReturnType<typeof freshStore>>;
  before(async () => {
    f = await freshStore();
  });
  after(() => f.cleanup());

  test('sorts the new calls into a run in (account, time) order, keeps every call, and still refuses duplicates', async () => {
    const calls: Call[] = [];
    // Interleaved accounts and shuffled times, as webhooks from many accounts arrive.
    for (let i = 0; i < 5000; i++) calls.push(call(`acct${i % 7}`, i, 1_600_000_000 + ((i * 7919) % 5000) * 60));
    assert.deepEqual(await f.store.insertCalls(calls), { inserted: 5000, duplicates: 0 });
    assert.equal(await f.store.unsortedCalls(), 5000);
    const before = await f.store.all({ sql: PER_ACCOUNT, params: [] });

    const r = await f.store.compact();
    assert.equal(r.rows, 5000);
    assert.equal(await f.store.unsortedCalls(), 0);
    assert.deepEqual(await f.store.all({ sql: PER_ACCOUNT, params: [] }), before);

    const physical = await f.store.all({ sql: 'SELECT account_id, call_time, call_id FROM calls_sorted ORDER BY rowid', params: [] });
    assert.deepEqual(physical, sortedCopy(physical), 'rows are stored in (account, time, call_id) order');

    // After the move re-sent calls are still duplicates and new ones still count.
    assert.deepEqual(await f.store.insertCalls([calls[0], calls[1], call('acct0', 99999, 1_600_000_000)]), { inserted: 1, duplicates: 2 });
    assert.equal(await f.store.unsortedCalls(), 1);
  });

  test('a second step rewrites only the calls that arrived since the first; the first run keeps its place', async () => {
    const runOne = await f.store.all({ sql: 'SELECT rowid AS r, account_id, call_id FROM calls_sorted ORDER BY rowid', params: [] });
    const more: Call[] = [];
    for (let i = 0; i < 700; i++) more.push(call(`acct${i % 5}`, 200_000 + i, 1_600_000_000 + ((i * 31) % 700) * 60));
    await f.store.insertCalls(more);
    assert.equal(await f.store.unsortedCalls(), 701);
    assert.deepEqual(await f.store.compact().then((x) => x.rows), 701);
    // The first run's rows are where they were (same row ids): nothing already sorted was rewritten.
    const sorted = await f.store.all({ sql: 'SELECT rowid AS r, account_id, call_id FROM calls_sorted ORDER BY rowid', params: [] });
    assert.deepEqual(sorted.slice(0, runOne.length), runOne);
    const runTwo = sorted.slice(runOne.length).map(({ account_id, call_id }) => ({ account_id, call_id }));
    assert.equal(runTwo.length, 701);
    const twoTimes = await f.store.all({
      sql: `SELECT account_id, call_time, call_id FROM calls_sorted ORDER BY rowid OFFSET ${runOne.length}`,
      params: [],
    });
    assert.deepEqual(twoTimes, sortedCopy(twoTimes), 'the second run is sorted too');
    assert.equal(await f.store.countCalls(), 5701);
    assert.deepEqual((await f.store.compact()).rows, 0, 'an empty tail is a no-op');
  });
});

test('migration 5 moves the calls stored since the last compaction into the tail; the sorted ones stay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callstats-migrate-v4-'));
  const path = join(dir, 'old.duckdb');
  try {
    // A store as schema 3 left it: three calls compacted, then two more appended.
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    await c.run('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const [i, m] of MIGRATIONS.slice(0, 3).entries()) {
      for (const stmt of m) await c.run(stmt);
      await c.run('INSERT INTO schema_version VALUES ($1)', [i + 1]);
    }
    const insert = (account: string, id: string, t: number) =>
      c.run(`INSERT INTO calls VALUES ($1, $2, $3, 'inbound', NULL, NULL, NULL, NULL, NULL, 10, 5, NULL, false, NULL)`, [account, id, t]);
    await insert('a', 'c1', 100);
    await insert('a', 'c2', 200);
    await insert('b', 'c3', 50);
    await c.run(`UPDATE store_meta SET value = 3 WHERE key = 'sorted_rows'`);
    await insert('a', 'c4', 10);
    await insert('b', 'c5', 5);
    c.closeSync();
    db.closeSync();

    const store = new DuckDBStore(path);
    await store.init();
    try {
      const ids = async (table: string) =>
        (await store.all({ sql: `SELECT call_id FROM ${table} ORDER BY rowid`, params: [] })).map((r) => r.call_id);
      assert.deepEqual(await ids('calls_sorted'), ['c1', 'c2', 'c3']);
      assert.deepEqual(await ids('calls_tail'), ['c4', 'c5']);
      assert.equal(await store.unsortedCalls(), 2);
      assert.equal(await store.countCalls(), 5);
      assert.equal((await store.compact()).rows, 2);
      assert.deepEqual(await ids('calls_sorted'), ['c1', 'c2', 'c3', 'c4', 'c5']);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a tail larger than a run is sorted in runs of at most that many calls, oldest calls first', async () => {
  const f = await freshStore();
  try {
    const calls: Call[] = [];
    for (let i = 0; i < 2500; i++) calls.push(call(`acct${i % 7}`, i, 1_600_000_000 + ((i * 7919) % 2500) * 60));
    for (let i = 0; i < 2500; i += 500) await f.store.insertCalls(calls.slice(i, i + 500));
    const r = await f.store.compact(1000);
    assert.equal(r.rows, 2500);
    assert.equal(await f.store.unsortedCalls(), 0);
    const physical = await f.store.all({ sql: 'SELECT account_id, call_time, call_id FROM calls_sorted ORDER BY rowid', params: [] });
    const runs = [physical.slice(0, 1000), physical.slice(1000, 2000), physical.slice(2000)];
    for (const [k, run] of runs.entries()) {
      assert.deepEqual(run, sortedCopy(run), `run ${k} is sorted`);
      const ids = new Set(calls.slice(k * 1000, k * 1000 + 1000).map((c) => c.call_id));
      assert.ok(
        run.every((row) => ids.has(String(row.call_id))),
        `run ${k} holds the calls stored ${k * 1000}..${k * 1000 + 999}`,
      );
    }
  } finally {
    await f.cleanup();
  }
});
