import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Call } from '../../src/core/call.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { stageCalls } from '../../src/store/duckdb/csv-batch-file.js';
import { cdrToCall } from '../../src/ingest/cdr-to-call.js';
import { DUPLICATE_MARGIN_SECONDS, MAX_LISTED_ACCOUNTS } from '../../src/store/duckdb/writes.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { call } from '../helpers/call.js';

// Inserts go through the staged CSV batch and DuckDB's read_csv (store/duckdb/call-csv.ts); these
// pin that every value comes back as given and that the bounded duplicate check still finds repeats.
describe('DuckDB bulk insert (staged CSV batches)', () => {
  let dir: string;
  let path: string;
  let store: DuckDBStore;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callstats-bulk-'));
    path = join(dir, 'calls.duckdb');
    store = new DuckDBStore(path);
    await store.init();
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const exported = async (account: string): Promise<Call[]> => {
    const out: Call[] = [];
    for await (const c of store.exportCalls(account)) out.push(c);
    return out;
  };

  test('every value round-trips: NUL, CR/LF, quotes, commas, tabs, empty vs NULL, 1 MB strings, extreme integers; lone surrogates become U+FFFD as the appender stored them', async () => {
    const big = 'x"'.repeat(512 * 1024);
    const texts = ['a\u0000b', 'cr\r\nlf\n', 'q"uo,"te', 'tab\tx', '', '\\N', 'NULL', 'é😀', big, ' lead', '"'];
    const calls = texts.map((t, i) =>
      call({
        account_id: 'round',
        call_id: `c${i}`,
        call_time: i === 0 ? 0 : 4102444799 - i,
        caller_id_name: t,
        hangup_cause: i % 2 ? null : t,
        duration_seconds: 2147483647,
        billing_seconds: 0,
        ringing_seconds: i % 3 ? -1 : null,
        caller_zone_id: i % 2 ? 2147483647 : null,
        unanswered: i % 2 === 0,
        call_direction: i % 2 ? 'outbound' : 'inbound',
      }),
    );
    const lone = call({ account_id: 'round', call_id: 'lone', call_time: 5, caller_id_name: 'x\ud800y', owner_id: '\udc00' });
    assert.deepEqual(await store.insertCalls([...calls, lone]), { inserted: calls.length + 1, duplicates: 0 });
    const back = await exported('round');
    const expected = [...calls, { ...lone, caller_id_name: 'x\ufffdy', owner_id: '\ufffd' }];
    const byId = (a: Call, b: Call) => (a.call_id < b.call_id ? -1 : 1);
    assert.deepEqual([...back].sort(byId), [...expected].sort(byId));
    assert.deepEqual(readdirSync(`${path}.ingest`), [], 'no staged file is left behind');
  });

  test('the first of a call repeated within one batch is stored; the rest are duplicates', async () => {
    const batch = [
      call({ account_id: 'rep', call_id: 'a', caller_id_name: 'first' }),
      call({ account_id: 'rep', call_id: 'b' }),
      call({ account_id: 'rep', call_id: 'a', caller_id_name: 'second' }),
      call({ account_id: 'rep2', call_id: 'a', caller_id_name: 'other account' }),
    ];
    assert.deepEqual(await store.insertCalls(batch), { inserted: 3, duplicates: 1 });
    assert.deepEqual(
      (await exported('rep')).map((c) => [c.call_id, c.caller_id_name]),
      [
        ['a', 'first'],
        ['b', null],
      ],
    );
  });

  test('a re-sent call is stored once: re-sent as is, after maintenance sorted it, and across a restart', async () => {
    const day = (i: number) => call({ account_id: 'resend', call_id: `r${i}`, call_time: 1_735_689_600 + i * 3600 });
    const first = Array.from({ length: 50 }, (_, i) => day(i));
    assert.deepEqual(await store.insertCalls(first), { inserted: 50, duplicates: 0 });
    // A later batch elsewhere in time, so the stored calls span more than one batch's range.
    assert.deepEqual(await store.insertCalls([call({ account_id: 'resend', call_id: 'late', call_time: 1_800_000_000 })]), {
      inserted: 1,
      duplicates: 0,
    });
    assert.deepEqual(await store.insertCalls(first.slice(10, 20)), { inserted: 0, duplicates: 10 });
    await store.compact();
    assert.equal(await store.unsortedCalls(), 0);
    assert.deepEqual(await store.insertCalls([...first.slice(0, 5), day(60)]), { inserted: 1, duplicates: 5 });
    await store.close();
    store = new DuckDBStore(path);
    await store.init();
    assert.deepEqual(await store.insertCalls([day(60), day(49), day(61)]), { inserted: 1, duplicates: 2 });
    assert.equal(await store.countCalls('resend'), 53);
  });

  test('the same Kazoo call in two shapes (a CDR with channel_created_time, its CSV listing row) is stored once', async () => {
    // Kazoo 4.3 applications/crossbar/src/modules/cb_cdrs.erl writes the listing's `timestamp` as
    // the CDR's `timestamp - duration_seconds`; the CDR itself carries FreeSWITCH's exact
    // channel_created_time (µs). A call created at .9 s and hung up 65 s later: the two starts differ.
    const start = 1_735_700_000;
    const cdr = kazooCdr('shape-1', start + 1, { channel_created_time: String(start * 1e6 + 900_000) });
    const json = cdrToCall(cdr, { zoneOf: () => null });
    const listing: Record<string, unknown> = { ...cdr, direction: cdr.call_direction, timestamp: String(Number(cdr.timestamp) - 65) };
    delete listing.channel_created_time;
    delete listing.call_direction;
    const csv = cdrToCall(listing, { zoneOf: () => null });
    assert.ok(json.ok && csv.ok);
    assert.notEqual(json.call.call_time, csv.call.call_time, 'the shapes start one second apart');
    assert.deepEqual(await store.insertCalls([json.call]), { inserted: 1, duplicates: 0 });
    assert.deepEqual(await store.insertCalls([csv.call]), { inserted: 0, duplicates: 1 });
    // The margin is documented: a call_time a day apart is still found; beyond it, the check stops.
    const edge = { ...json.call, call_time: json.call.call_time + DUPLICATE_MARGIN_SECONDS };
    assert.deepEqual(await store.insertCalls([edge]), { inserted: 0, duplicates: 1 });
    assert.equal(await store.countCalls(json.call.account_id), 1);
  });

  test('calls at the far ends of the safe integers (absurd times other paths stored, issue 9) are written and found again', async () => {
    const ends = [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -1, 0];
    const calls = ends.map((t, i) => call({ account_id: 'ends', call_id: `end${i}`, call_time: t }));
    assert.deepEqual(await store.insertCalls(calls), { inserted: 4, duplicates: 0 });
    assert.deepEqual(await store.insertCalls(calls), { inserted: 0, duplicates: 4 });
    assert.deepEqual(
      (await exported('ends')).map((c) => c.call_time).sort((a, b) => a - b),
      [...ends].sort((a, b) => a - b),
    );
  });

  test('a staged batch of several accounts finds its re-sent calls in each of them, and only there', async () => {
    // The check is bounded by the batch's accounts themselves (writes.ts): 'multi-m' sorts between
    // the batch's two accounts but is not one of them, and its call 'shared' is not the batch's.
    const t = 1_740_000_000;
    const stored = [
      call({ account_id: 'multi-a', call_id: 'a1', call_time: t }),
      call({ account_id: 'multi-m', call_id: 'shared', call_time: t + 1 }),
      call({ account_id: 'multi-z', call_id: 'z1', call_time: t + 2 }),
    ];
    assert.deepEqual(await store.insertCalls(stored), { inserted: 3, duplicates: 0 });
    await store.compact();
    const batch = [
      call({ account_id: 'multi-z', call_id: 'z1', call_time: t + 2 }),
      call({ account_id: 'multi-a', call_id: 'shared', call_time: t + 1 }),
      call({ account_id: 'multi-a', call_id: 'a1', call_time: t }),
      call({ account_id: 'multi-z', call_id: 'z2', call_time: t + 3 }),
    ];
    assert.deepEqual(await store.insertStaged(await stageCalls(store.stagingDir(), batch)), { inserted: 2, duplicates: 2 });
    assert.deepEqual(
      (await exported('multi-a')).map((c) => c.call_id),
      ['a1', 'shared'],
    );
    assert.deepEqual(
      (await exported('multi-z')).map((c) => c.call_id),
      ['z1', 'z2'],
    );
    assert.equal(await store.countCalls('multi-m'), 1);
    // Past MAX_LISTED_ACCOUNTS the batch is bounded by its accounts' range: the same answers.
    const many = Array.from({ length: MAX_LISTED_ACCOUNTS + 6 }, (_, i) =>
      call({ account_id: `multi-${String(i).padStart(3, '0')}`, call_id: `n${i}`, call_time: t + 10 + i }),
    );
    const wide = [
      ...many,
      call({ account_id: 'multi-z', call_id: 'z2', call_time: t + 3 }),
      call({ account_id: 'multi-a', call_id: 'a1', call_time: t }),
    ];
    assert.deepEqual(await store.insertStaged(await stageCalls(store.stagingDir(), wide)), { inserted: many.length, duplicates: 2 });
    assert.deepEqual(await store.insertStaged(await stageCalls(store.stagingDir(), many)), { inserted: 0, duplicates: many.length });
  });

  test('staging lives beside the store file', () => {
    assert.ok(existsSync(`${path}.ingest`));
  });
});
