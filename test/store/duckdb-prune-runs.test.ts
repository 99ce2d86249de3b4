import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { freshStore } from '../helpers/store.js';
import { call as baseCall } from '../helpers/call.js';

// Retention deletes sorted calls; the run catalog (`sorted_runs`, which the merge policy reads)
// must then say what is left, so a month is not merged for calls that are gone, and a run with
// nothing left is not listed.
const MARCH = Date.UTC(2025, 2, 1) / 1000;
const APRIL = Date.UTC(2025, 3, 1) / 1000;
const RUNS = 'SELECT run, part, calls FROM sorted_runs ORDER BY part, run';
const RECOUNT =
  'SELECT run, (year(make_timestamp(call_time * 1000000)) * 100 + month(make_timestamp(call_time * 1000000))) AS part, count(*) AS calls FROM calls_sorted GROUP BY ALL ORDER BY part, run';

const call = (id: string, account: string, t: number): Call => baseCall({ account_id: account, call_id: id, call_time: t });

let f: Awaited<ReturnType<typeof freshStore>>;
before(async () => {
  f = await freshStore();
  // run 1: 30 March calls of two accounts + 10 April; run 2: 20 more March calls of acctA
  await f.store.insertCalls([
    ...Array.from({ length: 30 }, (_, i) => call(`m${i}`, i % 2 ? 'acctA' : 'acctB', MARCH + i * 3600)),
    ...Array.from({ length: 10 }, (_, i) => call(`a${i}`, 'acctA', APRIL + i * 3600)),
  ]);
  await f.store.compact();
  await f.store.insertCalls(Array.from({ length: 20 }, (_, i) => call(`n${i}`, 'acctA', MARCH + 200 * 3600 + i)));
  await f.store.compact();
});
after(() => f?.cleanup());

test('prune of one account, then of everything before a time, leaves the run catalog equal to a recount', async () => {
  assert.deepEqual(await f.store.all({ sql: RUNS, params: [] }), [
    { run: 1, part: 202503, calls: 30 },
    { run: 2, part: 202503, calls: 20 },
    { run: 1, part: 202504, calls: 10 },
  ]);
  const dry = await f.store.prune(APRIL, 'acctB', true);
  assert.equal(dry.deleted, 15);
  assert.deepEqual((await f.store.all({ sql: RUNS, params: [] }))[0], { run: 1, part: 202503, calls: 30 }, 'a dry run changes nothing');

  assert.equal((await f.store.prune(APRIL, 'acctB', false)).deleted, 15);
  assert.deepEqual(await f.store.all({ sql: RUNS, params: [] }), [
    { run: 1, part: 202503, calls: 15 },
    { run: 2, part: 202503, calls: 20 },
    { run: 1, part: 202504, calls: 10 },
  ]);
  assert.equal((await f.store.prune(MARCH + 100 * 3600, undefined, false)).deleted, 15);
  const runs = await f.store.all({ sql: RUNS, params: [] });
  assert.deepEqual(runs, [
    { run: 2, part: 202503, calls: 20 },
    { run: 1, part: 202504, calls: 10 },
  ]);
  assert.deepEqual(
    runs,
    (await f.store.all({ sql: RECOUNT, params: [] })).map((r) => ({ ...r, calls: Number(r.calls) })),
  );
});
