import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { LARGE_RUN, MERGE_FAN_IN, mergeDue, type RunEntry } from '../../src/store/duckdb/merge-runs.js';
import { freshStore } from '../helpers/store.js';
import { call as baseCall } from '../helpers/call.js';
import { startMaintenance } from '../../src/cli/maintenance-loop.js';

const MARCH = Date.UTC(2025, 2, 1) / 1000;
const APRIL = Date.UTC(2025, 3, 1) / 1000;

function call(id: string, t: number, i: number): Call {
  return baseCall({
    account_id: `acct${i % 7}`,
    call_id: id,
    call_time: t,
    call_direction: i % 2 ? 'inbound' : 'outbound',
    duration_seconds: i % 97,
    billing_seconds: i % 50,
    unanswered: i % 3 === 0,
  });
}

/** `n` calls spread over March 2025 (shuffled times, interleaved accounts), ids prefixed. */
function march(prefix: string, n: number): Call[] {
  return Array.from({ length: n }, (_, i) => call(`${prefix}${i}`, MARCH + ((i * 7919) % n) * Math.floor((APRIL - MARCH) / n), i));
}

const PER_ACCOUNT =
  'SELECT account_id, count(*) AS n, sum(duration_seconds) AS d, min(call_time) AS lo, max(call_time) AS hi FROM calls GROUP BY account_id ORDER BY account_id';
const merged = (r: { rows: number; merges: number; mergedRows: number }) => ({ rows: r.rows, merges: r.merges, mergedRows: r.mergedRows });
const RUNS = 'SELECT run, part, calls FROM sorted_runs ORDER BY part, run';

test('the tiered policy rewrites a call at most once per size tier and keeps a month to a few runs', () => {
  // 20,000 steps of 100 calls into one month (2M calls), the merges done as the policy asks.
  let runs: RunEntry[] = [];
  const rewrites = new Map<number, number>(); // run -> times its calls were rewritten
  let next = 1;
  let written = 0;
  for (let step = 0; step < 20_000; step++) {
    runs.push({ run: next, part: 202503, calls: 100 });
    rewrites.set(next++, 0);
    written += 100;
    for (let due = mergeDue(runs); due; due = mergeDue(runs)) {
      const worst = Math.max(...due.runs.map((r) => rewrites.get(r)!));
      runs = runs.filter((r) => !due.runs.includes(r.run));
      runs.push({ run: next, part: 202503, calls: due.calls });
      rewrites.set(next++, worst + 1);
      written += due.calls;
    }
  }
  const worst = Math.max(...runs.map((r) => rewrites.get(r.run)!));
  assert.equal(MERGE_FAN_IN, 4);
  assert.equal(LARGE_RUN, 1_000_000);
  // Tiers 3 (64-255 calls) to 9 (262,144-1,048,575): at most 7 rewrites, ceil(log4(1M / 100)).
  assert.equal(worst, 7);
  // Every call written 7.6 times on average; the month is read as 8 runs, 1 of them large.
  assert.equal((written / 2_000_000).toFixed(2), '7.61');
  assert.equal(runs.length, 8);
  assert.deepEqual(
    runs.map((r) => r.calls),
    [1_638_400, 102_400, 102_400, 102_400, 25_600, 25_600, 1_600, 1_600],
  );
  // Runs of different months never merge together; large runs never again.
  assert.equal(
    mergeDue([
      { run: 1, part: 202501, calls: 10 },
      { run: 2, part: 202502, calls: 10 },
      { run: 3, part: 202503, calls: 10 },
      { run: 4, part: 202504, calls: 10 },
    ]),
    undefined,
  );
  assert.equal(mergeDue([1, 2, 3, 4].map((run) => ({ run, part: 202501, calls: LARGE_RUN }))), undefined);
});

describe('DuckDB merge of small runs', () => {
  let f: Awaited<ReturnType<typeof freshStore>>;
  before(async () => {
    f = await freshStore();
  });
  after(() => f.cleanup());

  test("four small runs of a month become one sorted run; another month's run is not rewritten; answers and duplicates unchanged", async () => {
    const april = Array.from({ length: 10 }, (_, i) => call(`apr${i}`, APRIL + i * 3600, i));
    await f.store.insertCalls([...march('s1-', 50), ...april]);
    assert.deepEqual(merged(await f.store.compact()), { rows: 60, merges: 0, mergedRows: 0 });
    for (const s of ['s2-', 's3-']) {
      await f.store.insertCalls(march(s, 50));
      await f.store.compact();
    }
    const before = await f.store.all({ sql: PER_ACCOUNT, params: [] });
    assert.deepEqual(await f.store.all({ sql: RUNS, params: [] }), [
      { run: 1, part: 202503, calls: 60 - 10 },
      { run: 2, part: 202503, calls: 50 },
      { run: 3, part: 202503, calls: 50 },
      { run: 1, part: 202504, calls: 10 },
    ]);
    const fourth = march('s4-', 50);
    await f.store.insertCalls(fourth);
    assert.deepEqual(merged(await f.store.compact()), { rows: 50, merges: 1, mergedRows: 200 });
    assert.deepEqual(await f.store.all({ sql: RUNS, params: [] }), [
      { run: 5, part: 202503, calls: 200 },
      { run: 1, part: 202504, calls: 10 },
    ]);
    const physical = await f.store.all({
      sql: 'SELECT account_id, call_time, call_id FROM calls_sorted WHERE run = 5 ORDER BY rowid',
      params: [],
    });
    const sorted = [...physical].sort(
      (a, b) =>
        String(a.account_id).localeCompare(String(b.account_id)) ||
        Number(a.call_time) - Number(b.call_time) ||
        String(a.call_id).localeCompare(String(b.call_id)),
    );
    assert.deepEqual(physical, sorted, 'the merged run is in (account, time, call_id) order');
    assert.deepEqual(
      (await f.store.all({ sql: 'SELECT DISTINCT run FROM calls_sorted WHERE call_time >= $1', params: [APRIL] })).map((x) => x.run),
      [1],
      "April's calls keep the run they were written in",
    );
    const after = await f.store.all({ sql: PER_ACCOUNT, params: [] });
    const expected = before.map((row) => ({ ...row }));
    for (const c of fourth) {
      const row = expected.find((e) => e.account_id === c.account_id)!;
      row.n = Number(row.n) + 1;
      row.d = Number(row.d) + c.duration_seconds;
    }
    assert.deepEqual(
      after.map((x) => [x.account_id, Number(x.n), Number(x.d)]),
      expected.map((x) => [x.account_id, Number(x.n), Number(x.d)]),
    );
    assert.deepEqual(await f.store.insertCalls([march('s2-', 50)[7]]), { inserted: 0, duplicates: 1 });
  });
});

test("under a steady trickle that never pauses, serve's maintenance still sorts calls within CALLSTATS_MAINTENANCE_IDLE of the first", async () => {
  const f = await freshStore();
  const lines: string[] = [];
  const loop = startMaintenance(f.store, { calls: 100_000, idleMs: 3000 }, (l) => lines.push(l));
  try {
    const started = Date.now();
    let sortedAt = 0;
    // One call every 250 ms for 7 s: the tail grows at every look of the loop (once a second).
    for (let i = 0; Date.now() - started < 7000; i++) {
      await f.store.insertCalls([call(`t${i}`, MARCH + i * 60, i)]);
      const [row] = await f.store.all({ sql: 'SELECT count(*) AS n FROM calls_sorted', params: [] });
      if (!sortedAt && Number(row.n) > 0) sortedAt = Date.now();
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(sortedAt > 0, `a step ran while calls kept arriving (${lines.join('; ')})`);
    const waited = sortedAt - started;
    assert.ok(waited >= 3000 && waited < 6500, `the first calls were sorted ${waited} ms after they arrived`);
  } finally {
    loop.stop();
    await loop.current();
    await f.cleanup();
  }
});
