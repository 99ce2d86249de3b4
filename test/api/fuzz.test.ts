import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { InjectOptions } from 'fastify';
import { testApp } from '../helpers/app.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { createWebhookToken } from '../../src/accounts/tokens.js';

/** mulberry32: a tiny seeded PRNG, so a failure replays exactly. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20240601;
// encodeURIComponent throws on a lone surrogate; the raw ones still reach the server inside JSON bodies.
const enc = (s: string) => encodeURIComponent(s.replace(/\p{Surrogate}/gu, '\ufffd'));
const REQUESTS = 2000;
const DEEP = 10_000;
const INGEST_REQUESTS = 600;

describe('no request, however malformed, gets a 500 or stops the app (SPEC 2.1)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp({ CALLSTATS_RATE_LIMIT: '0' });
    await t.app.inject({
      method: 'POST',
      url: '/v2/accounts/acc1/call_statistics/cdrs',
      headers: { 'x-auth-token': t.token, 'content-type': 'application/json' },
      payload: { data: [kazooCdr('f1', 1_700_000_000), kazooCdr('f2', 1_700_003_600)] },
    });
  });
  after(() => t.close());

  test(`${REQUESTS} seeded random requests all answer below 500`, async () => {
    const rnd = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const int = (n: number) => Math.floor(rnd() * n);
    const junk = (n: number) =>
      Array.from({ length: n }, () =>
        String.fromCodePoint(pick([0, 0x22, 0x5c, 0x7b, 0x5b, 0x25, 0x26, 0x3f, 0x2f, 0xe9, 0x1f600, 0xd800, 0x202e, 0x41 + int(26)])),
      ).join('');
    const filter = (): unknown =>
      pick<() => unknown>([
        () => ({
          name: pick(['call_time', 'caller_zone_id', 'unanswered', 'caller_id_name', '__proto__', 'constructor', 'x']),
          op: pick(['eq', '==', 'in', 'like', 'is_null', 'has', 'equalz', '']),
          val: pick<unknown>([1, -0, 1e308, 2 ** 63, '1', null, true, [], [1, 'a'], {}, junk(5), '2016-03-04T08:00:00+13:00']),
        }),
        () => ({ or: [filter()] }),
        () => JSON.parse('{"__proto__": {"polluted": 1}, "name": "unanswered", "op": "eq", "val": 1}'),
        () => ({ and: 'x' }),
        () => junk(3),
      ])();
    const qText = (): string =>
      pick<() => string>([
        () =>
          JSON.stringify({
            data: {
              filters: [filter(), filter()],
              grouping: pick(['unanswered', 'call_time', '__proto__', 1, null]),
              timezone: pick(['UTC', 'Pacific/Chatham', 'Mars/Base', '', '../../etc/passwd']),
            },
          }),
        () =>
          JSON.stringify({
            filters: [filter()],
            metrics: pick([['asr'], 'asr', [{}], ['percentiles', 'x']]),
            time_format: pick(['iso', 'kazoo', 5]),
            week_start: pick(['sunday', 'x']),
          }).slice(0, int(80) + 1),
        () => `{"filters":[${'{"or":['.repeat(DEEP)}${']}'.repeat(DEEP)}]}`,
        () => '['.repeat(DEEP) + ']'.repeat(DEEP),
        () => `{"filters":[{"name":"caller_zone_id","op":"eq","val":${'9'.repeat(400)}}]}`,
        () => `{"a":${'1e99999'}}`,
        () => junk(int(40)),
        () => '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
        () => '\u0000{"filters":[]}\u0000',
      ])();
    const path = (): string =>
      pick<() => string>([
        () =>
          `/v2/accounts/${pick(['acc1', 'acc%00', '..', '%E0%A4%A', enc(junk(8)), 'x'.repeat(70)])}/call_statistics/${pick(['hourly', 'daily', 'weekly', 'monthly', 'csv', 'json', 'yearly', 'countries', '%ZZ', ''])}`,
        () =>
          `/v2/accounts/acc1/call_statistics/countries/${pick(['New%20Zealand&Australia', '%26%26', '&', enc(junk(6)), '%E0%A4%A', 'Atlantis'])}`,
        () => `/v2/webhooks/${enc(junk(5))}/channel_destroy`,
        () => pick(['/openapi.json', '/', '//', '/v2', '/_local/rpc', '/_local/stream', '/%', '/v2/accounts/acc1/call_statistics/cdrs']),
      ])();
    const query = (): string =>
      pick<() => string>([
        () => `?q=${enc(qText())}`,
        () => `?q=${qText().replace(/[#\s]/g, '')}`,
        () => `?q=%7B&q=%7D`,
        () =>
          `?page_size=${pick(['1', '0', '-5', '1e3', '99999999999999999999', 'x'])}&start_key=${pick(['', 'abc', 'WzEsImEiXQ', enc(junk(4))])}`,
        () => `?__proto__[x]=1&constructor=2`,
        () => '',
      ])();
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const method = pick(['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const);
      const headers: Record<string, string> = {};
      if (rnd() < 0.85) headers['x-auth-token'] = rnd() < 0.9 ? t.token : junk(10).replace(/[^\x21-\x7e]/g, 'a');
      if (rnd() < 0.1) headers.authorization = pick(['Bearer ', 'Bearer x', 'Basic Zm9v']);
      if (rnd() < 0.05) headers['x-callstats-control'] = 'guess';
      let payload: string | Buffer | undefined;
      if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
        headers['content-type'] = pick([
          'application/json',
          'application/json; charset=utf-8',
          'application/x-ndjson',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data',
          'application/xml',
          '',
          'application/json; charset=latin1',
        ]);
        payload = pick<() => string | Buffer>([
          () => qText(),
          () => JSON.stringify({ data: [kazooCdr(junk(4), int(2e9), { duration_seconds: pick(['1', '-1', 'x', 1e20]) })] }),
          () => '{"data":[' + junk(20),
          () => Buffer.from(Array.from({ length: int(200) }, () => int(256))),
          () => 'call_id=1&call_direction=inbound&timestamp=' + junk(3),
          () => '',
        ])();
        if (headers['content-type'] === '') delete headers['content-type'];
      }
      const opts: InjectOptions = { method, url: path() + query(), headers, ...(payload !== undefined ? { payload } : {}) };
      const res = await t.app.inject(opts);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      assert.ok(
        res.statusCode < 500,
        `request ${i} (seed ${SEED}): ${method} ${String(opts.url).slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`,
      );
      if (res.statusCode >= 400 && method !== 'HEAD') assert.equal(res.json().status, 'error', res.body.slice(0, 200));
    }
    assert.ok((statuses.get(200) ?? 0) > 50, `some requests succeed: ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(400) ?? 0) > 200, `most reach the parsers: ${JSON.stringify([...statuses])}`);
    // Prototype pollution would show up here.
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    const alive = await t.app.inject({
      method: 'GET',
      url: '/v2/accounts/acc1/call_statistics/daily',
      headers: { 'x-auth-token': t.token },
    });
    assert.equal(alive.statusCode, 200);
    assert.equal(Object.values(alive.json().data as Record<string, { total: number }>).reduce((s, b) => s + b.total, 0) >= 2, true);
  });

  test(`${INGEST_REQUESTS} seeded random ingest bodies and webhook forms: never a 5xx, every record accounted for`, async () => {
    const rnd = prng(SEED + 1);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const int = (n: number) => Math.floor(rnd() * n);
    const hook = await createWebhookToken(t.store, 'fuzzhook000000000000000000000001');
    const value = (): unknown =>
      pick<() => unknown>([
        () => int(100),
        () => String(int(100)),
        () => pick([2 ** 31 - 1, 2 ** 31, 2 ** 53, 2 ** 63, -1, 0.5, -0, 1e308]),
        () => pick(['NaN', '', ' ', '-1', '2147483648', '9223372036854775808', '1e400', '0x10', '+5']),
        () => pick([null, true, false, [], {}, [1], { a: 1 }]),
        () => pick(['\u0000', 'a\u0000b', '\ud800', '\udfff\ud800', '\u202e', '=1+1', '\ufffd', '📞'.repeat(300)]),
        () => 'x'.repeat(pick([255, 256, 257, 1023, 1024, 1025, 100_000])),
      ])();
    const timestamp = (): unknown =>
      pick<unknown>([
        String(62167219200 + 1_456_780_800 + int(1e8)),
        0,
        62167219199,
        62167219200,
        66269664000,
        66269664065,
        315537897600,
        1_000_000_000_000_000,
        2 ** 53,
        '9223372036854775808',
        'NaN',
        '',
        null,
        {},
      ]);
    const field = () =>
      pick([
        'call_id',
        'call_direction',
        'timestamp',
        'duration_seconds',
        'billing_seconds',
        'ringing_seconds',
        'caller_id_name',
        'caller_id_number',
        'callee_id_number',
        'hangup_cause',
        'custom_channel_vars',
        'direction',
        'unix_timestamp',
        '__proto__',
      ]);
    let serial = 0;
    const cdr = (): Record<string, unknown> => {
      const doc: Record<string, unknown> = kazooCdr(`fz${serial++}`, 1_456_780_800 + int(1e7));
      doc.timestamp = rnd() < 0.5 ? doc.timestamp : timestamp();
      for (let k = int(4); k > 0; k--) doc[field()] = value();
      return doc;
    };
    // JSON.stringify writes NUL and lone surrogates as \u escapes, so they reach the server as JSON escapes.
    const text = (v: unknown) => JSON.stringify(v);
    const deep = (n: number) => pick(['['.repeat(n) + ']'.repeat(n), '{"a":'.repeat(n) + '1' + '}'.repeat(n)]);
    let stored = 0;
    const statuses = new Map<number, number>();
    for (let i = 0; i < INGEST_REQUESTS; i++) {
      const docs = Array.from({ length: 1 + int(5) }, cdr);
      const webhook = rnd() < 0.3;
      let type = pick(['application/json', 'application/x-ndjson', 'text/plain', 'application/json; charset=utf-8']);
      let payload: string | Buffer;
      let wellFormed = false;
      const shape = int(10);
      if (webhook) {
        type = pick(['application/json', 'application/x-www-form-urlencoded']);
        const doc = docs[0];
        payload =
          type === 'application/json'
            ? pick([() => text(doc), () => text({ data: doc }), () => deep(DEEP), () => text(doc).slice(0, int(200)), () => ''])()
            : Object.entries(doc)
                .map(
                  ([k, v]) =>
                    `${pick([k, `${k}[x]`, `custom_channel_vars[${k}]`, `${k}${'[a]'.repeat(int(2) * DEEP)}`])}=${enc(String(v))}`,
                )
                .concat(rnd() < 0.2 ? ['%ZZ=%E0%A4%A', 'caller_id_name=%ED%A0%80%00'] : [])
                .join('&');
      } else if (shape < 4) {
        wellFormed = type !== 'application/x-ndjson';
        payload = text(pick([{ data: docs }, docs]));
      } else if (shape < 6) {
        type = 'application/x-ndjson';
        payload = docs
          .map(text)
          .concat(rnd() < 0.5 ? [deep(DEEP), '{x', '5'] : [])
          .join('\n');
      } else {
        payload = pick<() => string | Buffer>([
          () => text({ data: docs }).slice(0, int(300)),
          () => `[${text(docs[0])},${deep(DEEP)},${text(docs[1] ?? {})}]`,
          () => Buffer.from(Array.from({ length: int(300) }, () => int(256))),
          () => pick(['', '5', 'null', '"x"', '{"data":5}', '{"data":"x"}', '{not json', '[', ']', '{"rows":[{"doc":5}]}']),
        ])();
      }
      const res = await t.app.inject({
        method: 'POST',
        url: webhook ? `/v2/webhooks/${hook.token}/channel_destroy` : '/v2/accounts/fuzzingest00000000000000000000001/call_statistics/cdrs',
        headers: { 'x-auth-token': t.token, 'content-type': type },
        payload,
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const shown = typeof payload === 'string' ? payload.slice(0, 300) : `<${payload.length} bytes>`;
      assert.ok(res.statusCode < 500, `ingest ${i} (seed ${SEED + 1}): ${type} ${shown} → ${res.statusCode} ${res.body.slice(0, 300)}`);
      const body = res.json();
      if (res.statusCode >= 400) assert.equal(body.status, 'error', res.body.slice(0, 200));
      if (res.statusCode === 200 && !webhook) stored += body.data.accepted;
      if (wellFormed) {
        assert.equal(res.statusCode, 200, `ingest ${i}: ${shown} → ${res.body.slice(0, 300)}`);
        assert.equal(body.data.accepted + body.data.duplicates + body.data.rejected_count, docs.length, shown);
      }
    }
    assert.ok((statuses.get(200) ?? 0) > INGEST_REQUESTS / 4, `some bodies are stored: ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(400) ?? 0) > 10, `some bodies are refused: ${JSON.stringify([...statuses])}`);
    assert.equal(await t.store.countCalls('fuzzingest00000000000000000000001'), stored, 'what was acknowledged is what is stored');
    const alive = await t.app.inject({
      method: 'GET',
      url: '/v2/accounts/fuzzingest00000000000000000000001/call_statistics/monthly',
      headers: { 'x-auth-token': t.token },
    });
    assert.equal(alive.statusCode, 200, alive.body.slice(0, 300));
    assert.equal(
      Object.values(alive.json().data as Record<string, { total: number }>).reduce((sum, b) => sum + b.total, 0),
      stored,
    );
  });

  test('a q with 100,000 zone ids (~1 MB) answers 200 as a GET URL and as a POST body', async () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => 1_000_000 + i);
    const q = JSON.stringify({ data: { filters: [{ name: 'caller_zone_id', op: 'in', val: ids }] } });
    const path = `/v2/accounts/acc1/call_statistics/daily?q=${encodeURIComponent(q)}`;
    assert.ok(path.length > 800_000 && path.length < 1024 * 1024, String(path.length));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const send = (method: string, url: string, body?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method,
            path: url,
            headers: { 'x-auth-token': t.token, ...(body ? { 'content-type': 'application/json' } : {}) },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const get = await send('GET', path);
    assert.equal(get.status, 200, get.body.slice(0, 300));
    assert.deepEqual(JSON.parse(get.body).data, {});
    const post = await send('POST', '/v2/accounts/acc1/call_statistics/daily', q);
    assert.equal(post.status, 200, post.body.slice(0, 300));
    assert.deepEqual(JSON.parse(post.body).data, {});
  });
});
