import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { WORKER_MIN_BYTES } from '../../src/api/routes/ingest.js';
import { testApp } from '../helpers/app.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { DESIGN_DOC } from '../fixtures/ingest/kazoo-docs.js';

const T0 = Date.UTC(2016, 2, 4, 8, 0, 0) / 1000;

/** 300 CDRs (~120 KB as JSON): one with a bad duration (index 57), a design document (100), a re-sent call (200 = 3). */
function docs(tag: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 300; i++) out.push(kazooCdr(`${tag}-${i}`, T0 + i * 60));
  out[57] = kazooCdr(`${tag}-57`, T0, { duration_seconds: 'abc' });
  out[100] = DESIGN_DOC;
  out[200] = kazooCdr(`${tag}-3`, T0 + 3 * 60);
  return out;
}

describe('HTTP ingest: large bodies parsed on the worker pool', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());
  /** With a Content-Length (the worker path once it is at least WORKER_MIN_BYTES), or streamed without one (the main thread's reader). */
  const post = (account: string, body: string, type = 'application/json', streamed = false) =>
    t.app.inject({
      method: 'POST',
      url: `/v2/accounts/${account}/call_statistics/cdrs`,
      headers: { 'x-auth-token': t.token, 'content-type': type },
      payload: streamed ? Readable.from([Buffer.from(body)]) : body,
    });
  const rows = (account: string) =>
    t.store.all({
      sql: 'SELECT * EXCLUDE (account_id) FROM calls WHERE account_id = $1 ORDER BY call_id',
      params: [account],
    });

  test('a JSON body of 64 KB or more is answered and stored exactly as the same body read on the main thread', async () => {
    const body = JSON.stringify({ data: docs('w') });
    assert.ok(body.length >= WORKER_MIN_BYTES, `${body.length} bytes`);
    const onWorkers = await post('accWorkers', body);
    const streamed = await post('accStreamed', body, 'application/json', true);
    assert.equal(onWorkers.statusCode, 200, onWorkers.body);
    const d = onWorkers.json().data;
    assert.deepEqual(
      { accepted: d.accepted, duplicates: d.duplicates, rejected_count: d.rejected_count, skipped: d.skipped, index: d.rejected[0].index },
      { accepted: 297, duplicates: 1, rejected_count: 1, skipped: 1, index: 57 },
    );
    assert.match(d.rejected[0].reason, /duration_seconds/);
    assert.deepEqual(d, streamed.json().data);
    const stored = await rows('accWorkers');
    assert.equal(stored.length, 297);
    assert.deepEqual(stored, await rows('accStreamed'));
    // Zones are matched for calls parsed on a worker as for any other.
    assert.ok(stored.every((r) => r.caller_zone_id !== null && r.callee_zone_id !== null));
  });

  test('an NDJSON body keeps each bad line by its line number, as on the main thread', async () => {
    const lines = docs('n').map((d) => JSON.stringify(d));
    lines[10] = '{"call_id": "broken"';
    lines.splice(20, 0, '');
    const body = lines.join('\n') + '\n';
    const a = (await post('accNdWorkers', body, 'application/x-ndjson')).json().data;
    const b = (await post('accNdStreamed', body, 'application/x-ndjson', true)).json().data;
    assert.deepEqual(
      a.rejected.map((r: { index: number; line: number }) => [r.index, r.line]),
      [
        [10, 11],
        [57, 59],
      ],
    );
    assert.deepEqual([a.accepted, a.duplicates, a.skipped], [296, 1, 1]);
    assert.deepEqual(a, b);
  });

  test('a large body that is not CDRs is the same 400 in the Kazoo envelope, and stores nothing', async () => {
    const good = JSON.stringify(docs('c'));
    for (const body of [good.slice(0, -10), JSON.stringify('x'.repeat(WORKER_MIN_BYTES)), `{"data": ${'5'.repeat(WORKER_MIN_BYTES)}}`]) {
      const a = await post('accBad', body);
      const b = await post('accBad', body, 'application/json', true);
      assert.equal(a.statusCode, 400, a.body);
      const { request_id: _a, ...ea } = a.json();
      const { request_id: _b, ...eb } = b.json();
      assert.deepEqual(ea, eb);
      assert.equal(ea.error, '400');
    }
    assert.equal(await t.store.countCalls('accBad'), 0);
  });

  test('concurrent requests get the answers sequential ones get, and each call is stored once', async () => {
    const bodies = ['k1', 'k2', 'k1', 'k3'].map((tag) => JSON.stringify({ data: docs(tag) }));
    const sequential = [];
    for (const b of bodies) sequential.push((await post('accSeq', b)).json().data);
    const concurrent = (await Promise.all(bodies.map((b) => post('accConc', b)))).map((r) => r.json().data);
    assert.deepEqual(
      sequential.map((d) => [d.accepted, d.duplicates]),
      [
        [297, 1],
        [297, 1],
        [0, 298],
        [297, 1],
      ],
    );
    assert.deepEqual(concurrent, sequential);
    assert.equal(await t.store.countCalls('accConc'), 891);
    assert.deepEqual(await rows('accConc'), await rows('accSeq'));
  });

  test('a body longer than its declared Content-Length is read whole, not cut or a 500', async () => {
    // Node's HTTP parser holds a body to its Content-Length; inject does not, so this is the only
    // way to reach the buffer's growth path of readInto.
    const body = JSON.stringify({ data: docs('g') });
    const declared = WORKER_MIN_BYTES;
    assert.ok(body.length > declared * 1.5, `${body.length} bytes`);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/accounts/accGrown/call_statistics/cdrs',
      headers: { 'x-auth-token': t.token, 'content-type': 'application/json', 'content-length': String(declared) },
      payload: Readable.from([Buffer.from(body.slice(0, 1000)), Buffer.from(body.slice(1000))]),
    });
    assert.equal(res.statusCode, 200, res.body);
    const d = res.json().data;
    assert.deepEqual([d.accepted, d.duplicates, d.rejected_count, d.skipped], [297, 1, 1, 1]);
    assert.equal((await rows('accGrown')).length, 297);
  });

  for (const [i, length] of ['1e400', '65536.5', '0x10000'].entries()) {
    test(`a Content-Length that is not a plain count (${length}) streams through the reader, not a 500`, async () => {
      const body = JSON.stringify({ data: docs('n') });
      const res = await t.app.inject({
        method: 'POST',
        url: `/v2/accounts/accLen${i}/call_statistics/cdrs`,
        headers: { 'x-auth-token': t.token, 'content-type': 'application/json', 'content-length': length },
        payload: Readable.from([Buffer.from(body)]),
      });
      assert.equal(res.statusCode, 200, res.body);
      const d = res.json().data;
      assert.deepEqual([d.accepted, d.duplicates, d.rejected_count, d.skipped], [297, 1, 1, 1]);
    });
  }
});
