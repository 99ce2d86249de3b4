import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { testApp } from '../helpers/app.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { createWebhookToken } from '../../src/accounts/tokens.js';
import { GREGORIAN_UNIX_OFFSET as G } from '../../src/core/call.js';

/**
 * Hostile ingest (issue: one tenant's bad CDR never hurts another). Every field at its bounds,
 * bodies that are not CDRs, deep nesting, huge strings, broken Unicode, over-limit and cut-off
 * bodies — over `app.inject`, over the webhook (JSON and form) and over a real socket where
 * streaming matters. Each case asserts the exact status and counts, that the good records beside
 * the bad ones are stored, and that another account's answers did not move.
 */

const T0 = Date.UTC(2016, 2, 4, 8, 0, 0) / 1000;
const VICTIM = 'victim00000000000000000000000001';
const ATTACKER = 'attacker000000000000000000000001';
const DEEP = 10_000;
const MB = 'x'.repeat(1024 * 1024);

/** Gregorian seconds of 00:00 UTC on 1 January of `year`. */
function gregorianYear(year: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, 0, 1);
  return Math.round(d.getTime() / 1000) + G;
}

/** A placeholder for a value nested DEEP levels ({"a":[{"a":[... "bottom" ...]}]}); JSON.stringify cannot write it. */
const DEEP_VALUE = '@@deep@@';
const DEEP_TEXT = '{"a":['.repeat(DEEP / 2) + '"bottom"' + ']}'.repeat(DEEP / 2);

/** Placeholders replaced in the body text: values JSON.stringify cannot write (1e400, raw bytes). */
const RAW_1E400 = '"@@1e400@@"';
const RAW_FF = '@@FF@@';
function toBody(text: string): Buffer {
  const parts = text.replaceAll(RAW_1E400, '1e400').replaceAll(`"${DEEP_VALUE}"`, DEEP_TEXT).split(RAW_FF);
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [Buffer.from(p)] : [Buffer.from([0xff, 0xfe]), Buffer.from(p)])));
}

interface Case {
  id: string;
  over: Record<string, unknown>;
  /** null: stored; otherwise the exact reason. */
  reason: string | null;
}

const outside = (v: string): string => `timestamp: call start outside 1970-01-01 … 2100-01-01 UTC: '${v}'`;
const before1970 = (v: string): string => `timestamp: not gregorian seconds (before 1970; Unix seconds?): '${v}'`;
const late = gregorianYear(2090);

/** One batch covering every field's bounds; the index of each case is its position. */
function boundaryCases(): Case[] {
  const cases: Case[] = [{ id: 'good-plain', over: {}, reason: null }];
  for (const f of ['duration_seconds', 'billing_seconds', 'ringing_seconds']) {
    const range = `${f}: out of range 0 … 2147483647`;
    const notInt = `${f}: not a non-negative integer`;
    cases.push(
      { id: `good-${f}-max`, over: { [f]: 2 ** 31 - 1, timestamp: String(late) }, reason: null },
      { id: `good-${f}-max-text`, over: { [f]: '2147483647', timestamp: String(late) }, reason: null },
      { id: `${f}-2^31`, over: { [f]: 2 ** 31 }, reason: `${range}: '2147483648'` },
      { id: `${f}-2^53`, over: { [f]: 2 ** 53 }, reason: `${range}: '9007199254740992'` },
      { id: `${f}-2^63`, over: { [f]: '9223372036854775808' }, reason: `${range}: '9223372036854775808'` },
      { id: `${f}-2^63-number`, over: { [f]: 2 ** 63 }, reason: `${range}: '9223372036854776000'` },
      { id: `${f}-1e400`, over: { [f]: '@@1e400@@' }, reason: `${notInt}: 'Infinity'` },
      { id: `${f}--1`, over: { [f]: -1 }, reason: `${notInt}: '-1'` },
      { id: `${f}-NaN`, over: { [f]: 'NaN' }, reason: `${notInt}: 'NaN'` },
      { id: `${f}-deep`, over: { [f]: DEEP_VALUE }, reason: `${notInt}: '${'{"a":['.repeat(6)}{"a"…'` },
    );
  }
  cases.push(
    { id: 'good-duration-blank', over: { duration_seconds: '' }, reason: null },
    { id: 'ts-year0', over: { timestamp: 0 }, reason: before1970('0') },
    { id: 'ts-1969', over: { timestamp: String(gregorianYear(1969)) }, reason: before1970(String(gregorianYear(1969))) },
    { id: 'ts-2100', over: { timestamp: String(gregorianYear(2100) + 65) }, reason: outside(String(gregorianYear(2100) + 65)) },
    { id: 'ts-10000', over: { timestamp: String(gregorianYear(10000)) }, reason: outside(String(gregorianYear(10000))) },
    { id: 'ts-50000', over: { timestamp: gregorianYear(50000) }, reason: outside(String(gregorianYear(50000))) },
    { id: 'ts-issue', over: { timestamp: 1_000_000_000_000_000 }, reason: outside('1000000000000000') },
    {
      id: 'ts-2^63',
      over: { timestamp: '9223372036854775808' },
      reason: "timestamp: out of range 0 … 9007199254740991: '9223372036854775808'",
    },
    { id: 'ts-1e400', over: { timestamp: '@@1e400@@' }, reason: "timestamp: not a non-negative integer: 'Infinity'" },
    { id: 'ts-NaN', over: { timestamp: 'NaN' }, reason: "timestamp: not a non-negative integer: 'NaN'" },
    { id: 'ts-blank', over: { timestamp: '' }, reason: 'timestamp: missing' },
    { id: 'good-ts-last', over: { timestamp: String(gregorianYear(2100) - 1 + 65) }, reason: null },
    { id: 'callid-1mb', over: { call_id: MB }, reason: 'call_id: longer than 256 bytes' },
    { id: 'callid-nul', over: { call_id: 'nul\u0000id' }, reason: 'call_id: contains NUL (U+0000)' },
    { id: 'callid-surrogate', over: { call_id: 'lone\ud800' }, reason: 'call_id: not valid Unicode (lone surrogate)' },
    { id: 'callid-badutf8', over: { call_id: `bad${RAW_FF}utf8` }, reason: 'call_id: contains U+FFFD (invalid UTF-8 in the input?)' },
    { id: 'name-1mb', over: { caller_id_name: MB }, reason: 'caller_id_name: longer than 1024 bytes' },
    { id: 'name-nul', over: { caller_id_name: 'Ali\u0000ce' }, reason: 'caller_id_name: contains NUL (U+0000)' },
    { id: 'good-name-surrogate', over: { caller_id_name: 'Ali\ud800ce' }, reason: null },
    { id: 'good-name-badutf8', over: { caller_id_name: `Ali${RAW_FF}ce` }, reason: null },
    { id: 'name-deep', over: { caller_id_name: DEEP_VALUE }, reason: `caller_id_name: not text: '${'{"a":['.repeat(6)}{"a"…'` },
    // Stored: the account comes from the URL and nothing reads the deep value.
    { id: 'good-ccv-deep', over: { custom_channel_vars: DEEP_VALUE }, reason: null },
    { id: 'number-1mb', over: { callee_id_number: MB }, reason: 'callee_id_number: longer than 1024 bytes' },
  );
  return cases;
}

function docs(cases: Case[]): unknown[] {
  return cases.map((c, i) => (c.over.call_id !== undefined ? kazooCdr('', T0 + i, c.over) : kazooCdr(c.id, T0 + i, c.over)));
}

describe('hostile ingest: one tenant’s bad CDR never hurts another', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let victimMonthly: unknown;
  let victimCsv: string;
  const auth = () => ({ 'x-auth-token': t.token });
  const post = (account: string, payload: string | Buffer, type = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: `/v2/accounts/${account}/call_statistics/cdrs`,
      headers: { ...auth(), 'content-type': type },
      payload,
    });
  const monthly = async (account: string) => {
    const r = await t.app.inject({ method: 'GET', url: `/v2/accounts/${account}/call_statistics/monthly`, headers: auth() });
    assert.equal(r.statusCode, 200, r.body);
    return r.json().data;
  };
  const csv = async (account: string) => {
    const r = await t.app.inject({ method: 'GET', url: `/v2/accounts/${account}/call_statistics/csv`, headers: auth() });
    assert.equal(r.statusCode, 200, r.body);
    return r.body;
  };
  const storedIds = async (account: string): Promise<string[]> =>
    (await t.store.all({ sql: 'SELECT call_id FROM calls WHERE account_id = ? ORDER BY call_id', params: [account] })).map((r) =>
      String(r.call_id),
    );

  before(async () => {
    t = await testApp({ CALLSTATS_RATE_LIMIT: '0' });
    const victim = Array.from({ length: 300 }, (_, i) => kazooCdr(`v${i}`, T0 + i * 3600, { duration_seconds: String(i % 97) }));
    const r = await post(VICTIM, JSON.stringify({ data: victim }));
    assert.equal(r.json().data.accepted, 300, r.body);
    victimMonthly = await monthly(VICTIM);
    victimCsv = await csv(VICTIM);
  });
  after(async () => {
    // Whatever the attacks above did, the victim's answers are the same as before them.
    assert.deepEqual(await monthly(VICTIM), victimMonthly);
    assert.equal(await csv(VICTIM), victimCsv);
    await t.close();
  });

  test('bodies that are not CDRs answer 400 in the envelope naming the fault, and store nothing', async () => {
    const topLevel = (c: string) => `invalid JSON: unexpected '${c}' at top level (expected [...], {"data": [...]} or a CDR object)`;
    const cases: [string, string, string][] = [
      ['{not json', 'application/json', 'invalid JSON: the body ends inside a value (cut off?)'],
      ['5', 'application/json', topLevel('5')],
      ['', 'application/json', 'empty'],
      ['   \n ', 'application/json', 'empty'],
      ['{"data": 5}', 'application/json', "data: not a list of CDRs (expected [...]), got '5...'"],
      ['{"data": "x"}', 'application/json', `data: not a list of CDRs (expected [...]), got '"...'`],
      ['{"rows": null}', 'application/json', "rows: not a list of CDRs (expected [...]), got 'n...'"],
      ['"str"', 'application/json', topLevel('"')],
      ['null', 'application/json', topLevel('n')],
      ['[' + JSON.stringify(kazooCdr('cut1', T0)) + ',', 'application/json', 'invalid JSON: the body ends inside a value (cut off?)'],
      ['', 'application/x-ndjson', 'empty'],
      ['5', 'text/plain', topLevel('5')],
    ];
    for (const [payload, type, reason] of cases) {
      const r = await post(ATTACKER, payload, type);
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload)} as ${type}: ${r.body}`);
      const body = r.json();
      assert.deepEqual([body.status, body.error, body.message, body.data], ['error', '400', 'body is not CDRs', { body: reason }], payload);
    }
    const bare = await t.app.inject({ method: 'POST', url: `/v2/accounts/${ATTACKER}/call_statistics/cdrs`, headers: auth() });
    assert.deepEqual([bare.statusCode, bare.json().data], [400, { body: 'empty' }], 'no body and no content type');
    assert.equal(await t.store.countCalls(ATTACKER), 0);

    const get = await t.app.inject({ method: 'GET', url: `/v2/accounts/${ATTACKER}/call_statistics/cdrs`, headers: auth() });
    assert.equal(get.statusCode, 405, get.body);
    assert.equal(get.headers.allow, 'POST');
    assert.deepEqual(get.json().data, { method: 'GET', allowed: ['POST'] });

    const empty = await post(ATTACKER, '[]');
    assert.deepEqual(
      [empty.statusCode, empty.json().data.accepted, empty.json().data.rejected_count],
      [200, 0, 0],
      'an empty list is a list',
    );
  });

  test('NDJSON keeps per-line rejections: a bad line is one rejected record, not a 400', async () => {
    const lines = ['5', '{x', JSON.stringify(kazooCdr('nd-good', T0)), '"str"', 'null', DEEP_TEXT];
    const r = await post('ndjson00000000000000000000000001', toBody(lines.join('\n')), 'application/x-ndjson');
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json().data;
    assert.equal(d.accepted, 1);
    assert.deepEqual(
      d.rejected.map((x: { index: number; line: number; reason: string }) => [x.index, x.line, x.reason.slice(0, 27)]),
      [
        [0, 1, "record: not a JSON object: '5'".slice(0, 27)],
        [1, 2, 'invalid JSON: Expected prop'],
        [3, 4, "record: not a JSON object: 'str'".slice(0, 27)],
        [4, 5, "record: not a JSON object: 'null'".slice(0, 27)],
        [5, 6, 'call_id: missing'],
      ],
    );
    assert.deepEqual(await storedIds('ndjson00000000000000000000000001'), ['nd-good']);
  });

  test('every field at its bounds: one batch stores the good records and names each bad one by index and field', async () => {
    const cases = boundaryCases();
    const body = toBody(JSON.stringify({ data: docs(cases) }));
    const r = await post(ATTACKER, body);
    assert.equal(r.statusCode, 200, r.body.slice(0, 500));
    const d = r.json().data;
    const expected = cases.flatMap((c, index) => (c.reason === null ? [] : [{ index, reason: c.reason }]));
    assert.deepEqual(d.rejected, expected);
    const good = cases.filter((c) => c.reason === null).map((c) => c.id);
    assert.deepEqual([d.accepted, d.duplicates, d.rejected_count], [good.length, 0, expected.length]);
    assert.deepEqual(await storedIds(ATTACKER), [...good].sort());
    const names = await t.store.all({
      sql: 'SELECT call_id, caller_id_name, duration_seconds FROM calls WHERE account_id = ? ORDER BY call_id',
      params: [ATTACKER],
    });
    const byId = new Map(names.map((n) => [String(n.call_id), n]));
    assert.equal(byId.get('good-name-surrogate')?.caller_id_name, 'Ali\ufffdce', 'a lone surrogate in display text becomes U+FFFD');
    assert.equal(byId.get('good-name-badutf8')?.caller_id_name, 'Ali\ufffd\ufffdce', 'invalid UTF-8 bytes become U+FFFD');
    assert.equal(Number(byId.get('good-duration_seconds-max')?.duration_seconds), 2 ** 31 - 1);

    // The same records as NDJSON: the same verdicts, with their lines.
    const nd = toBody(
      docs(cases)
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const r2 = await post('ndbounds000000000000000000000001', nd, 'application/x-ndjson');
    assert.equal(r2.statusCode, 200, r2.body.slice(0, 500));
    assert.deepEqual(
      r2.json().data.rejected,
      expected.map((e) => ({ index: e.index, line: e.index + 1, reason: e.reason })),
    );
    assert.deepEqual(await storedIds('ndbounds000000000000000000000001'), [...good].sort());

    // A statistics answer over the attacker's own account still works, and covers exactly the good calls.
    const stats = (await monthly(ATTACKER)) as Record<string, { total: number }>;
    assert.equal(
      Object.values(stats).reduce((s, b) => s + b.total, 0),
      good.length,
    );
  });

  test('a record nested 10,000 deep is one rejected record; its siblings are stored', async () => {
    const body = `[${JSON.stringify(kazooCdr('deep-before', T0))},${'['.repeat(DEEP)}${']'.repeat(DEEP)},${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)},${JSON.stringify(kazooCdr('deep-after', T0))}]`;
    const r = await post('deep0000000000000000000000000001', body);
    assert.equal(r.statusCode, 200, r.body.slice(0, 300));
    assert.deepEqual(r.json().data.rejected, [
      { index: 1, reason: `record: not a JSON object: '${'['.repeat(40)}…'` },
      { index: 2, reason: 'call_id: missing' },
    ]);
    assert.deepEqual(await storedIds('deep0000000000000000000000000001'), ['deep-after', 'deep-before']);
  });

  test('the webhook: far-future, NUL and deep CDRs are rejected records, non-CDR bodies 400, and nothing moves for others', async () => {
    const hook = await createWebhookToken(t.store, 'hook0000000000000000000000000001');
    const url = `/v2/webhooks/${hook.token}/channel_destroy`;
    const send = (payload: string, type: string) =>
      t.app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: toBody(payload) });

    const started = Date.now();
    const future = await send(JSON.stringify(kazooCdr('far', T0, { timestamp: 1_000_000_000_000_000 })), 'application/json');
    assert.equal(future.statusCode, 200, future.body);
    assert.deepEqual(future.json().data.rejected, [{ index: 0, reason: outside('1000000000000000') }]);
    const futureForm = await send(
      new URLSearchParams({ call_id: 'far-form', call_direction: 'inbound', timestamp: String(gregorianYear(10000)) }).toString(),
      'application/x-www-form-urlencoded',
    );
    assert.deepEqual(futureForm.json().data.rejected, [{ index: 0, reason: outside(String(gregorianYear(10000))) }]);
    assert.deepEqual(await monthly(VICTIM), victimMonthly, 'unfiltered statistics of another account are unchanged');
    assert.equal(await csv(VICTIM), victimCsv, "another account's CSV is unchanged");
    assert.ok(Date.now() - started < 5000, `answers stay fast: ${Date.now() - started} ms`);

    const nul = await send('call_id=a%00b&call_direction=inbound&timestamp=' + String(T0 + G + 65), 'application/x-www-form-urlencoded');
    assert.deepEqual(nul.json().data.rejected, [{ index: 0, reason: 'call_id: contains NUL (U+0000)' }]);
    const deepKey = `custom_channel_vars${'[a]'.repeat(DEEP)}=x`;
    const deepForm = await send(
      `call_id=form-deep&call_direction=inbound&timestamp=${T0 + G + 65}&duration_seconds=65&${deepKey}`,
      'application/x-www-form-urlencoded',
    );
    assert.deepEqual([deepForm.statusCode, deepForm.json().data.accepted], [200, 1], deepForm.body.slice(0, 300));
    const deepJson = await send(JSON.stringify(kazooCdr('json-deep', T0, { caller_id_name: DEEP_VALUE })), 'application/json');
    assert.deepEqual(deepJson.json().data.rejected, [{ index: 0, reason: `caller_id_name: not text: '${'{"a":['.repeat(6)}{"a"…'` }]);
    const bigName = await send(JSON.stringify(kazooCdr('json-big', T0, { caller_id_name: MB.slice(0, 100_000) })), 'application/json');
    assert.deepEqual(bigName.json().data.rejected, [{ index: 0, reason: 'caller_id_name: longer than 1024 bytes' }]);
    const overLimit = await send(JSON.stringify(kazooCdr('json-1mb', T0, { caller_id_name: MB })), 'application/json');
    assert.deepEqual(
      [overLimit.statusCode, overLimit.json().data],
      [413, { body: `more than ${1024 * 1024} bytes` }],
      'a webhook carries one CDR: 1 MiB',
    );

    const notCdr: [string, string, string][] = [
      ['5', 'application/json', 'body: not a JSON object'],
      ['null', 'application/json', 'body: not a JSON object'],
      ['"str"', 'application/json', 'body: not a JSON object'],
      ['{"data": 5}', 'application/json', 'data: not a CDR object'],
      ['{"data": "x"}', 'application/json', 'data: not a CDR object'],
    ];
    for (const [payload, type, reason] of notCdr) {
      const r = await send(payload, type);
      assert.deepEqual([r.statusCode, r.json().data], [400, { body: reason }], payload);
    }
    for (const payload of ['{not json', '']) {
      const r = await send(payload, 'application/json');
      assert.equal(r.statusCode, 400, r.body);
      assert.match(r.json().data.body, /^body: invalid JSON: /);
    }
    const wrapped = await send(JSON.stringify({ data: kazooCdr('wrapped', T0) }), 'application/json');
    assert.equal(wrapped.json().data.accepted, 1, wrapped.body);
    assert.deepEqual(await storedIds('hook0000000000000000000000000001'), ['form-deep', 'wrapped']);
  });

  describe('over a real socket', () => {
    let port: number;
    before(async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as { port: number }).port;
    });
    const path = (account: string) => `/v2/accounts/${account}/call_statistics/cdrs`;

    /**
     * Sends a POST over a raw socket, chunked (or with the given Content-Length), writing `chunks`
     * until the server answers, and returns the answer. :TRICKY: a raw socket, because Node's client
     * reports EPIPE and drops an answer that arrived while it was still writing.
     */
    const request = (account: string, headers: Record<string, string>, chunks: () => Iterable<string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        const chunked = headers['content-length'] === undefined;
        let received = '';
        socket.setEncoding('utf8');
        socket.on('data', (d) => (received += d));
        socket.on('error', (err) => (received !== '' ? undefined : String(err).match(/EPIPE|ECONNRESET/) ? undefined : reject(err)));
        socket.on('close', () => {
          const [head, ...rest] = received.split('\r\n\r\n');
          const body = rest.join('\r\n\r\n');
          const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0);
          // A fixed-length JSON answer: the envelope is the whole body.
          resolve({ status, body });
        });
        const lines = [
          `POST ${path(account)} HTTP/1.1`,
          'Host: 127.0.0.1',
          `X-Auth-Token: ${t.token}`,
          'Content-Type: application/json',
          'Connection: close',
          ...(chunked ? ['Transfer-Encoding: chunked'] : []),
          ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        ];
        socket.write(lines.join('\r\n') + '\r\n\r\n');
        const it = chunks()[Symbol.iterator]();
        const pump = (): void => {
          for (;;) {
            if (received !== '' || socket.destroyed) return;
            const next = it.next();
            if (next.done) return void (chunked ? socket.write('0\r\n\r\n') : undefined);
            const data = chunked ? `${Buffer.byteLength(next.value).toString(16)}\r\n${next.value}\r\n` : next.value;
            if (!socket.write(data)) return void socket.once('drain', pump);
          }
        };
        pump();
      });

    const manyCdrs = (prefix: string, n: number): string =>
      Array.from({ length: n }, (_, i) => JSON.stringify(kazooCdr(`${prefix}${i}`, T0 + i))).join(',');

    test('a Content-Length over 256 MiB is refused with 413 at once, before the body is read', async () => {
      const started = Date.now();
      const r = await request('big00000000000000000000000000001', { 'content-length': String(300 * 1024 * 1024) }, () => ['[']);
      assert.equal(r.status, 413, r.body);
      assert.deepEqual(JSON.parse(r.body).data, { body: `more than ${256 * 1024 * 1024} bytes` });
      assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
    });

    test('a chunked body passing 256 MiB is cut with 413 while streaming, and nothing of it is stored', async () => {
      const account = 'chunked0000000000000000000000001';
      const head = `{"data":[${manyCdrs('ch', 10_001)},`;
      const pad = ' '.repeat(1024 * 1024);
      const started = Date.now();
      const r = await request(account, {}, function* () {
        yield head;
        for (let i = 0; i < 300; i++) yield pad;
        yield ']}';
      });
      assert.equal(r.status, 413, r.body.slice(0, 300));
      assert.equal(JSON.parse(r.body).error, '413');
      assert.equal(await t.store.countCalls(account), 0, 'the 10,001 complete records before the limit are not stored');
      console.log(`# 413 after 256 MiB streamed: ${Date.now() - started} ms`);
    });

    test('a client that keeps sending past the limit, reading nothing until it is done, still gets the 413 (lingering close)', async () => {
      // The reset this pins: the server answered 413 and closed while the client was still sending,
      // its unread bytes made the kernel reset the connection, and the reset made the client's
      // kernel drop the 413 it had not read yet (status 0). The client here reads nothing until it
      // has sent 16 MiB past the limit, so the answer waits unread while the server closes.
      const account = 'linger00000000000000000000000001';
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.pause();
      let received = '';
      const closed = new Promise<void>((resolve) => {
        socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve());
      });
      const chunk = (text: string): string => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
      const write = (data: string): Promise<void> =>
        new Promise((resolve) => {
          if (socket.destroyed || socket.write(data)) return resolve();
          socket.once('drain', () => resolve());
          socket.once('close', () => resolve());
        });
      await write(
        `POST ${path(account)} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${t.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      await write(chunk(`{"data":[${manyCdrs('li', 3)},`));
      const pad = chunk(' '.repeat(1024 * 1024));
      for (let i = 0; i < 256 + 16 && !socket.destroyed; i++) await write(pad);
      socket.resume();
      await closed;
      assert.match(received, /^HTTP\/1\.1 413 /, received.slice(0, 200));
      assert.equal(await t.store.countCalls(account), 0);
    });

    test('a body cut off by the client stores nothing, even its complete first 10,001 records', async () => {
      const account = 'cutoff00000000000000000000000001';
      const head = `{"data":[${manyCdrs('cut', 10_001)},`;
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write(
        `POST ${path(account)} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${t.token}\r\nContent-Type: application/json\r\nContent-Length: ${head.length + 1000}\r\n\r\n`,
      );
      socket.write(head);
      await new Promise((r) => setTimeout(r, 300));
      socket.destroy();
      // The server has 2 s to (wrongly) commit what it had; a correct one never does.
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(await t.store.countCalls(account), 0);
      }
      const again = await post(account, `{"data":[${manyCdrs('cut', 3)}]}`);
      assert.equal(again.json().data.accepted, 3, 'the same calls sent whole are new');
    });
  });
});
