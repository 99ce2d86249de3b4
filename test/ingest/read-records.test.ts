import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Call } from '../../src/core/call.js';
import { cdrToCall } from '../../src/ingest/cdr-to-call.js';
import { readRecords } from '../../src/ingest/read-records.js';
import type { InputFormat, RawRecord } from '../../src/ingest/types.js';
import { call } from '../helpers/call.js';

const fixture = (name: string): Promise<Buffer> => readFile(new URL(`../fixtures/ingest/${name}`, import.meta.url));
const zoneOf = (n: string | null): number | null => (n === null ? null : n.startsWith('+6434') ? 5023 : n.startsWith('+1555') ? 350 : null);

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let o = 0; o < buf.length; o += size) yield buf.subarray(o, o + size);
}

async function collect(input: AsyncIterable<Buffer | string>, format?: InputFormat): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const r of readRecords(input, format)) out.push(r);
  return out;
}

/** Reads the same bytes whole, in 1-byte and in 7-byte chunks, and checks all three agree. */
async function readAllWays(buf: Buffer, format?: InputFormat): Promise<RawRecord[]> {
  const whole = await collect(chunked(buf, buf.length || 1), format);
  assert.deepEqual(await collect(chunked(buf, 1), format), whole, '1-byte chunks');
  assert.deepEqual(await collect(chunked(buf, 7), format), whole, '7-byte chunks');
  return whole;
}

/** Records → what ingest makes of them: a call, or the reason. */
function outcomes(records: RawRecord[], accountId?: string): unknown[] {
  return records.map((r) => {
    if (r.error !== undefined) return { index: r.index, line: r.line, error: r.error };
    const c = cdrToCall(r.doc, { zoneOf, accountId });
    return c.ok ? c.call : { index: r.index, line: r.line, reason: c.reason };
  });
}

const callA: Call = call({
  account_id: 'acc1',
  call_id: 'call-a@10.0.0.1',
  call_time: 1456780721,
  caller_id_name: '=cmd|"/c calc"!A1',
  caller_id_number: '+6434123456',
  callee_id_number: '+15552345678',
  caller_zone_id: 5023,
  callee_zone_id: 350,
  duration_seconds: 79,
  billing_seconds: 70,
  ringing_seconds: 9,
  hangup_cause: 'NORMAL_CLEARING',
  owner_id: 'd860229e',
});
// :TRICKY: an outbound leg's `to` is the caller's presence id in Kazoo, so it names no callee.
const callB: Call = call({
  account_id: 'acc1',
  call_id: 'call-b',
  call_time: 1456780895,
  call_direction: 'outbound',
  caller_id_name: 'Zoë "Z" Ñandú 📞\nline2',
  caller_id_number: '6434123457',
  duration_seconds: 5,
  billing_seconds: 0,
  unanswered: true,
  hangup_cause: 'NO_ANSWER',
});
const callD: Call = call({
  account_id: 'acc1',
  call_id: 'call-d',
  call_time: 1456781000,
  call_direction: 'outbound',
  callee_id_number: '+15552345678',
  callee_zone_id: 350,
  duration_seconds: 0,
  billing_seconds: 0,
  unanswered: true,
});
const badC = (line?: number) => ({ index: 2, line, reason: "duration_seconds: not a non-negative integer: 'abc'" });

test('JSON array: records come with their index; the bad one in the middle is rejected by field', async () => {
  const records = await readAllWays(await fixture('cdrs-array.json'));
  assert.deepEqual(
    records.map((r) => r.index),
    [0, 1, 2, 3],
  );
  assert.deepEqual(outcomes(records), [callA, callB, badC(), callD]);
});

test('CouchDB _all_docs dump: design doc is a skipped record (counted, not a CDR), docs unwrapped', async () => {
  const records = await readAllWays(await fixture('couch-dump.json'));
  assert.deepEqual(
    records.map((r) => r.index),
    [0, 1, 2, 3, 4],
  );
  assert.deepEqual(records[0], { index: 0, skip: 'design document' });
  assert.deepEqual(outcomes(records.slice(1)), [callA, callB, { ...badC(), index: 3 }, callD]);
});

test('crossbar envelope with page_size before and next_start_key after data', async () => {
  const records = await readAllWays(await fixture('crossbar.json'));
  assert.deepEqual(outcomes(records, 'acc1'), [
    { ...callA, ringing_seconds: null, owner_id: null },
    { ...callB, caller_id_name: 'Zoë "Z" Ñandú 📞\nline2' },
  ]);
});

test('NDJSON: blank lines skipped, a broken line reported with its line, later lines still come', async () => {
  const records = await readAllWays(await fixture('cdrs.ndjson'));
  assert.deepEqual(
    records.map((r) => [r.index, r.line]),
    [
      [0, 1],
      [1, 2],
      [2, 4],
      [3, 5],
      [4, 6],
    ],
  );
  const out = outcomes(records);
  assert.deepEqual(out[0], callA);
  assert.deepEqual(out[1], callB);
  assert.equal((out[2] as { error: string }).error.startsWith('invalid JSON: '), true);
  assert.deepEqual(out[3], { ...badC(5), index: 3 });
  assert.deepEqual(out[4], callD);
  assert.deepEqual(await collect(chunked(await fixture('cdrs.ndjson'), 64), 'ndjson'), records);
});

test('CSV export: quoted commas, doubled quotes, a quoted newline and unicode survive any chunking', async () => {
  const records = await readAllWays(await fixture('kazoo-export.csv'));
  assert.deepEqual(
    records.map((r) => [r.index, r.line]),
    [
      [0, 2],
      [1, 3],
      [2, 5],
      [3, 6],
    ],
  );
  assert.deepEqual(outcomes(records, 'acc1'), [
    { ...callA, ringing_seconds: null, owner_id: null, media_server: 'fs1' },
    { ...callB, caller_id_name: 'Smith, "Bob"\nSales', hangup_cause: 'NO_ANSWER' },
    { index: 2, line: 5, reason: "duration_seconds: not a non-negative integer: '-3'" },
    { ...callD, caller_id_name: 'Ωmega 東京' },
  ]);
});

test('older CSV exports (no media_server column) carry the hangup timestamp: duration is subtracted', async () => {
  const csv = 'call_id,duration_seconds,billing_seconds,timestamp,direction\r\nx,79,70,63624000000,inbound\r';
  const [r] = outcomes(await readAllWays(Buffer.from(csv)), 'acc1') as Call[];
  assert.equal(r.call_time, 1456780721);
});

test('CSV rows with the wrong number of fields and unterminated quotes are error records', async () => {
  const csv = 'call_id,call_direction,timestamp\nok,inbound,63624000000\nshifted,Smith, Bob,inbound,1\n"open,inbound,1\n';
  const records = await readAllWays(Buffer.from(csv));
  assert.deepEqual(records, [
    { index: 0, line: 2, doc: { call_id: 'ok', call_direction: 'inbound', timestamp: '63624000000' } },
    { index: 1, line: 3, error: 'expected 3 fields as in the header, found 5' },
    { index: 2, line: 4, error: 'unterminated quoted field at end of input' },
  ]);
});

test('auto-detection: pretty-printed objects are JSON documents, one-line objects NDJSON, BOM ignored', async () => {
  const pretty = '\n  {\n "call_id": "p1",\n "n": 1\n}\n{\n "call_id": "p2"\n}\n';
  assert.deepEqual(await readAllWays(Buffer.from(pretty)), [
    { index: 0, doc: { call_id: 'p1', n: 1 } },
    { index: 1, doc: { call_id: 'p2' } },
  ]);
  const single = '{"data": {"call_id": "one"}, "status": "success"}';
  assert.deepEqual(await readAllWays(Buffer.from(single)), [{ index: 0, doc: { call_id: 'one' } }]);
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":"é"}]')]);
  assert.deepEqual(await readAllWays(bom), [{ index: 0, doc: { a: 'é' } }]);
  assert.deepEqual(await readAllWays(Buffer.from('   \n ')), []);
});

test('JSON strings with escaped quotes, brackets and backslashes do not confuse the splitter', async () => {
  const tricky = [{ call_id: 'a"]}[{,', caller_id_name: '\\', x: ['[', '{'] }, { call_id: '\\"' }];
  const records = await readAllWays(Buffer.from(JSON.stringify({ rows: tricky.map((doc) => ({ id: 'i', doc })) })));
  assert.deepEqual(records, [
    { index: 0, doc: tricky[0] },
    { index: 1, doc: tricky[1] },
  ]);
});

test('truncated JSON ends with an error record; a node Readable works as input', async () => {
  const records = await collect(Readable.from([Buffer.from('[{"call_id":"a"},{"call_id":')]) as AsyncIterable<Buffer>);
  assert.deepEqual(records, [
    { index: 0, doc: { call_id: 'a' } },
    { index: 1, error: 'unexpected end of input: unterminated JSON record' },
  ]);
});
