import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Call } from '../../src/core/call.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { MIGRATIONS } from '../../src/store/duckdb/schema.js';
import { freshStore } from '../helpers/store.js';
import { killMidCompact } from '../helpers/kill-mid-compact.js';
import { call as baseCall } from '../helpers/call.js';

const MARCH = Date.UTC(2025, 2, 1) / 1000;
const APRIL = Date.UTC(2025, 3, 1) / 1000;
// Four runs of one tier (16,384-65,535 calls): the fourth makes a merge of 240,000 calls due.
const RUN = 60_000;

function call(id: string, t: number, i: number): Call {
  return baseCall({
    account_id: `acct${i % 13}`,
    call_id: id,
    call_time: t,
    call_direction: i % 2 ? 'inbound' : 'outbound',
    callee_id_number: i % 5 === 0 ? `+6493${String(i % 100000).padStart(6, '0')}` : null,
    duration_seconds: i % 601,
    billing_seconds: i % 50,
    unanswered: i % 7 === 0,
  });
}
const marchRun = (r: number) => Array.from({ length: RUN }, (_, i) => call(`r${r}-${i}`, MARCH + ((i * 7919) % RUN) * 44, r * RUN + i));

const MARCH_SQL = `SELECT count(*) AS n, count(DISTINCT call_id) AS u, sum(duration_seconds) AS d FROM calls WHERE call_time < ${APRIL}`;
const RUNS = 'SELECT run, part, calls FROM sorted_runs ORDER BY part, run';
const UNMERGED = [1, 2, 3, 4].map((run) => ({ run, part: 202503, calls: RUN }));

describe('a merge of runs under concurrent readers, ingest, re-zoning and SIGKILL', () => {
  let f: Awaited<ReturnType<typeof freshStore>>;
  let seeded = '';
  let reference: Record<string, unknown>[] = [];
  before(async () => {
    f = await freshStore();
    for (let r = 1; r <= 4; r++) {
      await f.store.insertCalls(marchRun(r));
      await f.store.compact(undefined, false); // no merge yet
    }
    assert.deepEqual(await f.store.all({ sql: RUNS, params: [] }), UNMERGED);
    reference = await f.store.all({ sql: MARCH_SQL, params: [] });
    assert.deepEqual(reference, [{ n: 4 * RUN, u: 4 * RUN, d: reference[0].d }]);
    await f.store.close();
    seeded = join(f.dir, 'seeded.duckdb');
    copyFileSync(f.path, seeded);
    f.store = new DuckDBStore(f.path, { memoryLimit: '512MB' });
    await f.store.init();
  });
  after(() => f.cleanup());

  test('a reader looping during the merge sees every call exactly once at every instant, while ingest goes on', async () => {
    let merging = true;
    let reads = 0;
    let inserted = 0;
    // Three readers, so that some query starts while the merge commits (commit-gate.ts): that
    // is when DuckDB alone showed a reader the merged calls and the old runs both.
    const readOne = async () => {
      while (merging) {
        assert.deepEqual(await f.store.all({ sql: MARCH_SQL, params: [] }), reference);
        const [all] = await f.store.all({ sql: 'SELECT count(*) AS n, count(DISTINCT call_id) AS u FROM calls', params: [] });
        assert.equal(all.n, all.u, 'no call doubled');
        reads++;
      }
    };
    const reader = Promise.all([readOne(), readOne(), readOne()]);
    const ingest = (async () => {
      for (let b = 0; merging; b++) {
        const batch = Array.from({ length: 200 }, (_, i) => call(`apr${b}-${i}`, APRIL + b * 200 + i, i));
        inserted += (await f.store.insertCalls(batch)).inserted;
      }
    })();
    const r = await f.store.compact().finally(() => (merging = false));
    await Promise.all([reader, ingest]);
    assert.equal(r.merges, 1);
    assert.equal(r.mergedRows, 4 * RUN);
    assert.ok(reads >= 2, `the reader ran during the merge (${reads} reads)`);
    assert.deepEqual(await f.store.all({ sql: MARCH_SQL, params: [] }), reference);
    assert.equal(await f.store.countCalls(), 4 * RUN + inserted);
    assert.deepEqual(await f.store.all({ sql: 'SELECT run, calls FROM sorted_runs WHERE part = 202503', params: [] }), [
      { run: 5, calls: 4 * RUN },
    ]);
  });

  test('re-zoning started during a merge waits for it and tags every merged call', async () => {
    const path = join(f.dir, 'rezone.duckdb');
    copyFileSync(seeded, path);
    const store = new DuckDBStore(path, { memoryLimit: '512MB' });
    await store.init();
    try {
      const merge = store.compact();
      const rezone = f.zones.rezone(store);
      const [m, changed] = await Promise.all([merge, rezone]);
      assert.equal(m.mergedRows, 4 * RUN);
      assert.equal(changed, (4 * RUN) / 5, 'every call with a number got its zone');
      const [left] = await store.all({
        sql: 'SELECT count(*) AS n FROM calls WHERE callee_id_number IS NOT NULL AND callee_zone_id IS NULL',
        params: [],
      });
      assert.equal(left.n, 0);
    } finally {
      await store.close();
    }
  });

  test('a SIGKILL in the middle of a merge leaves the runs, every call once and the same answers', async () => {
    const path = join(f.dir, 'crash.duckdb');
    copyFileSync(seeded, path);
    // A moment into the merge: its INSERT of 240,000 calls is running.
    const out = await killMidCompact(path, 'merge');
    assert.equal(out, 'merge\n', 'killed before the merge committed');

    const store = new DuckDBStore(path, { memoryLimit: '512MB' });
    await store.init();
    try {
      assert.deepEqual(await store.all({ sql: RUNS, params: [] }), UNMERGED);
      assert.deepEqual(await store.all({ sql: MARCH_SQL, params: [] }), reference);
      assert.equal((await store.compact()).mergedRows, 4 * RUN);
      assert.deepEqual(await store.all({ sql: RUNS, params: [] }), [{ run: 5, part: 202503, calls: 4 * RUN }]);
      assert.deepEqual(await store.all({ sql: MARCH_SQL, params: [] }), reference);
    } finally {
      await store.close();
    }
  });
});

test('migration 6 lists the calls sorted before it as run 0 per month; the next step and merge build on it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callstats-migrate-v6-'));
  const path = join(dir, 'old.duckdb');
  try {
    // A store as schema 5 left it: three calls sorted (two in January, one in February), two in the tail.
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    await c.run('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const [i, m] of MIGRATIONS.slice(0, 5).entries()) {
      for (const stmt of m) await c.run(stmt);
      await c.run('INSERT INTO schema_version VALUES ($1)', [i + 1]);
    }
    const jan = Date.UTC(2025, 0, 10) / 1000;
    const feb = Date.UTC(2025, 1, 10) / 1000;
    const insert = (table: string, id: string, t: number) =>
      c.run(
        `INSERT INTO ${table} (account_id, call_id, call_time, call_direction, duration_seconds, billing_seconds, unanswered) VALUES ('a', $1, $2, 'inbound', 10, 5, false)`,
        [id, t],
      );
    await insert('calls_sorted', 'c1', jan);
    await insert('calls_sorted', 'c2', jan + 60);
    await insert('calls_sorted', 'c3', feb);
    await insert('calls_tail', 'c4', feb + 60);
    await insert('calls_tail', 'c5', jan + 120);
    c.closeSync();
    db.closeSync();

    const store = new DuckDBStore(path);
    await store.init();
    try {
      const versions = await store.all({ sql: 'SELECT max(version) AS v FROM schema_version', params: [] });
      assert.deepEqual(versions, [{ v: 6 }]);
      assert.deepEqual(await store.all({ sql: RUNS, params: [] }), [
        { run: 0, part: 202501, calls: 2 },
        { run: 0, part: 202502, calls: 1 },
      ]);
      assert.equal((await store.compact()).rows, 2);
      assert.deepEqual(await store.all({ sql: RUNS, params: [] }), [
        { run: 0, part: 202501, calls: 2 },
        { run: 1, part: 202501, calls: 1 },
        { run: 0, part: 202502, calls: 1 },
        { run: 1, part: 202502, calls: 1 },
      ]);
      assert.deepEqual(await store.all({ sql: 'SELECT call_id, run FROM calls_sorted ORDER BY run, call_id', params: [] }), [
        { call_id: 'c1', run: 0 },
        { call_id: 'c2', run: 0 },
        { call_id: 'c3', run: 0 },
        { call_id: 'c4', run: 1 },
        { call_id: 'c5', run: 1 },
      ]);
      // Two more one-call runs in January: four of tier 0 (run 0's two calls are tier 0 too) merge.
      for (const id of ['c6', 'c7']) {
        await store.insertCalls([baseCall({ account_id: 'a', call_id: id, call_time: jan + 1000 })]);
        await store.compact();
      }
      assert.deepEqual(await store.all({ sql: RUNS, params: [] }), [
        { run: 4, part: 202501, calls: 5 },
        { run: 0, part: 202502, calls: 1 },
        { run: 1, part: 202502, calls: 1 },
      ]);
      assert.equal(await store.countCalls(), 7);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
