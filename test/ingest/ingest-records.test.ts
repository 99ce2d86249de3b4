import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import type { InsertResult } from '../../src/store/store.js';
import { ingestRecords } from '../../src/ingest/ingest-records.js';
import { readRecordBatches, readRecords } from '../../src/ingest/read-records.js';
import type { IngestProgress, RawRecord } from '../../src/ingest/types.js';
import { call } from '../helpers/call.js';

/** Test double for the store's idempotent insert: keyed on account + call_id, as the real engines are. */
class MemoryCalls {
  readonly calls = new Map<string, Call>();
  batches: number[] = [];
  inFlight = 0;
  async insertCalls(calls: readonly Call[]): Promise<InsertResult> {
    this.inFlight++;
    assert.equal(this.inFlight, 1, 'one batch at a time');
    await new Promise((r) => setImmediate(r));
    this.batches.push(calls.length);
    let inserted = 0;
    for (const c of calls) {
      const key = `${c.account_id}\u0000${c.call_id}`;
      if (!this.calls.has(key)) {
        this.calls.set(key, c);
        inserted++;
      }
    }
    this.inFlight--;
    return { inserted, duplicates: calls.length - inserted };
  }
}

const zoneOf = (): number | null => null;
const cdr = (id: string, extra: Record<string, unknown> = {}) => ({
  call_id: id,
  call_direction: 'inbound',
  timestamp: '63624000000',
  duration_seconds: '10',
  billing_seconds: '8',
  ...extra,
});

async function* from(records: RawRecord[]): AsyncGenerator<RawRecord> {
  yield* records;
}

test('counts accepted, duplicates (within the input and already stored) and rejected with reasons', async () => {
  const store = new MemoryCalls();
  const records: RawRecord[] = [
    { index: 0, doc: cdr('a') },
    { index: 1, doc: cdr('b') },
    { index: 2, doc: cdr('c', { duration_seconds: 'abc' }) },
    { index: 3, line: 4, error: 'invalid JSON: Unexpected end of JSON input' },
    { index: 4, doc: cdr('a') },
    { index: 5, doc: cdr('d', { call_direction: undefined }) },
    { index: 6, doc: cdr('e') },
  ];
  const progress: IngestProgress[] = [];
  const result = await ingestRecords(from(records), {
    store,
    accountId: 'acc1',
    zoneOf,
    batchSize: 2,
    onProgress: (p) => progress.push(p),
  });
  assert.deepEqual(result, {
    accepted: 3,
    duplicates: 1,
    rejected: [
      { index: 2, reason: "duration_seconds: not a non-negative integer: 'abc'" },
      { index: 3, line: 4, reason: 'invalid JSON: Unexpected end of JSON input' },
      { index: 5, reason: 'call_direction: missing' },
    ],
    rejectedCount: 3,
    skipped: 0,
  });
  assert.deepEqual(store.batches, [2, 2]);
  assert.deepEqual(progress, [
    { records: 2, accepted: 2, duplicates: 0, rejected: 0, skipped: 0 },
    { records: 7, accepted: 3, duplicates: 1, rejected: 3, skipped: 0 },
  ]);

  const again = await ingestRecords(from(records), { store, accountId: 'acc1', zoneOf });
  assert.deepEqual([again.accepted, again.duplicates, again.rejectedCount], [0, 4, 3]);
  assert.equal(store.calls.size, 3);
});

test('the same call_id under two accounts is two calls', async () => {
  const store = new MemoryCalls();
  const records = [
    { index: 0, doc: cdr('x', { custom_channel_vars: { account_id: 'A' } }) },
    { index: 1, doc: cdr('x', { custom_channel_vars: { account_id: 'B' } }) },
  ];
  const result = await ingestRecords(from(records), { store, zoneOf });
  assert.deepEqual([result.accepted, result.duplicates], [2, 0]);
});

test('rejected records are all counted but only maxRejectedListed are listed', async () => {
  const store = new MemoryCalls();
  const records = Array.from({ length: 5 }, (_, i) => ({ index: i, doc: { call_id: String(i) } }));
  const result = await ingestRecords(from(records), { store, accountId: 'a', zoneOf, maxRejectedListed: 2 });
  assert.equal(result.rejectedCount, 5);
  assert.deepEqual(
    result.rejected.map((r) => r.index),
    [0, 1],
  );
  assert.deepEqual(store.batches, []);
});

test('back-pressure: while a batch is stored the reader runs at most one batch ahead', async () => {
  let pulled = 0;
  const store = new MemoryCalls();
  const slow = {
    insertCalls: async (calls: readonly Call[]) => {
      const before = pulled;
      await new Promise((r) => setTimeout(r, 5));
      assert.ok(pulled - before <= 3, `read ${pulled - before} records ahead while storing`);
      return store.insertCalls(calls);
    },
  };
  async function* source(): AsyncGenerator<RawRecord> {
    for (let i = 0; i < 10; i++) {
      pulled++;
      yield { index: i, doc: cdr(`c${i}`) };
    }
  }
  const result = await ingestRecords(source(), { store: slow, accountId: 'a', zoneOf, batchSize: 3 });
  assert.equal(result.accepted, 10);
  assert.deepEqual(store.batches, [3, 3, 3, 1]);
});

test('end to end from NDJSON bytes', async () => {
  const store = new MemoryCalls();
  const text = `${JSON.stringify(cdr('n1'))}\n${JSON.stringify(cdr('n2', { billing_seconds: 0 }))}\n{oops}\n`;
  const result = await ingestRecords(readRecords([Buffer.from(text)]), { store, accountId: 'acc9', zoneOf });
  assert.equal(result.accepted, 2);
  assert.equal(result.rejected[0].line, 3);
  assert.deepEqual(
    store.calls.get('acc9\u0000n2'),
    call({
      account_id: 'acc9',
      call_id: 'n2',
      call_time: 1456780790,
      duration_seconds: 10,
      billing_seconds: 0,
      unanswered: true,
    }),
  );
  // Per-chunk arrays from readRecordBatches give the same answer (the fast path for the CLI).
  const viaBatches = await ingestRecords(readRecordBatches([Buffer.from(text)]), { store: new MemoryCalls(), accountId: 'acc9', zoneOf });
  assert.deepEqual(viaBatches, result);
});
