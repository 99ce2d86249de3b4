import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdrToCall } from '../../src/ingest/cdr-to-call.js';
import { readRecords } from '../../src/ingest/read-records.js';
import type { InputFormat, RawRecord } from '../../src/ingest/types.js';
import {
  ACCOUNT,
  DESIGN_DOC,
  LEDGER,
  T0_GREG,
  allDocsDump,
  changesFeed,
  envelope,
  listingRow,
  storedCdr,
  websocketEvent,
} from '../fixtures/ingest/kazoo-docs.js';
import { kazoo43ChannelDestroy } from '../feeds/fixtures/kazoo-events.js';

const T0 = T0_GREG - 62167219200;

async function read(text: string, chunk: number, format: InputFormat): Promise<RawRecord[]> {
  const buf = Buffer.from(text);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let o = 0; o < buf.length; o += chunk) yield buf.subarray(o, o + chunk);
  }
  const out: RawRecord[] = [];
  for await (const r of readRecords(chunks(), format)) out.push(r);
  return out;
}

/** Each record as [index, call_id and start] of its call, ['skip', reason] or ['error', reason]; read whole and in 5-byte chunks. */
async function outcomes(value: unknown, ndjson = false): Promise<unknown[]> {
  const text = ndjson ? (value as unknown[]).map((v) => JSON.stringify(v)).join('\n') + '\n' : JSON.stringify(value, null, 1);
  const format = ndjson ? 'ndjson' : 'auto';
  const whole = await read(text, text.length, format);
  assert.deepEqual(await read(text, 5, format), whole, '5-byte chunks read the same');
  return whole.map((r) => {
    if (r.skip !== undefined) return [r.index, 'skip', r.skip];
    if (r.error !== undefined) return [r.index, 'error', r.error];
    const c = cdrToCall(r.doc, { zoneOf: () => null, accountId: ACCOUNT });
    return c.ok ? [r.index, c.call.account_id, c.call.call_id, c.call.call_time - T0] : [r.index, 'rejected', c.reason];
  });
}

test('a crossbar ?grouped=true listing gives every leg of every call, not one rejection', async () => {
  const body = envelope([
    { 'leg-a1': [listingRow('leg-a1', 0), listingRow('leg-b1', 2, { direction: 'outbound' })] },
    { 'leg-a2': [listingRow('leg-a2', 60)] },
  ]);
  const legs = (await outcomes(body)).map((o) => (o as unknown[]).slice(2));
  assert.deepEqual(legs, [
    ['leg-a1', 0],
    ['leg-b1', 2],
    ['leg-a2', 60],
  ]);
});

test('crossbar plain listing and single-CDR details read as before', async () => {
  assert.deepEqual(await outcomes(envelope([listingRow('p1', 0), listingRow('p2', 10)])), [
    [0, ACCOUNT, 'p1', 0],
    [1, ACCOUNT, 'p2', 10],
  ]);
  assert.deepEqual(await outcomes(envelope(storedCdr('d1', 30))), [[0, ACCOUNT, 'd1', 30]]);
});

test('a CouchDB _changes?include_docs=true feed: its CDRs come, design docs, ledgers and deletions are skipped', async () => {
  const feed = changesFeed([
    DESIGN_DOC,
    storedCdr('c1', 0),
    LEDGER,
    { _id: '201905-gone', _rev: '2-ff', _deleted: true },
    storedCdr('c2', 120),
  ]);
  const expected = [
    [0, 'skip', 'design document'],
    [1, ACCOUNT, 'c1', 0],
    [2, 'skip', "pvt_type 'ledger': not a CDR"],
    [3, 'skip', 'deleted document'],
    [4, ACCOUNT, 'c2', 120],
  ];
  assert.deepEqual(await outcomes(feed), expected);
  // feed=continuous: the same rows one a line, then the last_seq line, which is no document.
  const continuous = [...feed.results, { last_seq: feed.last_seq, pending: 0 }];
  assert.deepEqual(
    await outcomes(continuous, true),
    expected.map(([i, ...rest]) => [i, ...rest]),
  );
});

test('a MODB _all_docs dump holding CDRs and ledgers gives the CDRs and skips the rest', async () => {
  const dump = allDocsDump([DESIGN_DOC, storedCdr('m1', 0), LEDGER, storedCdr('m2', 300)]);
  assert.deepEqual(await outcomes(dump), [
    [0, 'skip', 'design document'],
    [1, ACCOUNT, 'm1', 0],
    [2, 'skip', "pvt_type 'ledger': not a CDR"],
    [3, ACCOUNT, 'm2', 300],
  ]);
});

test('a websocket DETECTED_SPEECH call event is skipped, not stored as a 0-second call; a CHANNEL_DESTROY one is read', async () => {
  const destroy = websocketEvent('CHANNEL_DESTROY', 'ws-2');
  (destroy.data as Record<string, unknown>).duration_seconds = 5;
  assert.deepEqual(await outcomes([websocketEvent('DETECTED_SPEECH', 'ws-1'), destroy], true), [
    [0, 'skip', "websocket event 'DETECTED_SPEECH'"],
    [1, ACCOUNT, 'ws-2', 0],
  ]);
  // The event's data alone (a capture that kept only `data`) names itself too.
  assert.deepEqual(await outcomes([websocketEvent('DETECTED_SPEECH', 'ws-3').data], true), [
    [0, 'skip', "event_name 'DETECTED_SPEECH': not a hangup"],
  ]);
});

test('NDJSON of crossbar pages, _all_docs dumps and grouped listings: every line is read by its shape', async () => {
  // (Auto-detection reads one-line wrappers as a sequence of JSON documents: the same records,
  // numbered by element instead of by line, so this test names the format.)
  const lines = [
    envelope([listingRow('n1', 0)]),
    allDocsDump([storedCdr('n2', 10), LEDGER]),
    envelope([{ n3: [listingRow('n3', 20), listingRow('n4', 21)] }]),
    storedCdr('n5', 30),
  ];
  assert.deepEqual(await outcomes(lines, true), [
    [0, ACCOUNT, 'n1', 0],
    [1, ACCOUNT, 'n2', 10],
    [1, 'skip', "pvt_type 'ledger': not a CDR"],
    [2, ACCOUNT, 'n3', 20],
    [2, ACCOUNT, 'n4', 21],
    [3, ACCOUNT, 'n5', 30],
  ]);
});

test('NDJSON of AMQP callevt captures: a CHANNEL_DESTROY is read as the cdr app would, other events are skipped', async () => {
  const spec = { accountId: ACCOUNT, callId: 'amqp-1', hangupUnix: T0 + 50, duration: 50, billing: 45 };
  const destroy = kazoo43ChannelDestroy(spec);
  const answer = { ...kazoo43ChannelDestroy({ ...spec, callId: 'amqp-2' }), 'Event-Name': 'CHANNEL_ANSWER' };
  assert.deepEqual(await outcomes([destroy, answer], true), [
    [0, ACCOUNT, 'amqp-1', 0],
    [1, 'skip', "Event-Name: not CHANNEL_DESTROY: 'CHANNEL_ANSWER'"],
  ]);
});
