import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey, createWebhookToken } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { freshStore } from '../helpers/store.js';

const ACCOUNT = 'acct00000000000000000000000000a1';
const T0 = Date.UTC(2026, 0, 5, 9) / 1000;

/** A log stream that keeps every JSON line pino writes. */
function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    stream,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('the access log: one line per request at info, with no secret in any line', () => {
  let app: FastifyInstance;
  let fresh: Awaited<ReturnType<typeof freshStore>>;
  let log: ReturnType<typeof capture>;
  let key: string;
  let hook: string;
  const ids: string[] = [];
  before(async () => {
    fresh = await freshStore();
    log = capture();
    const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0', CALLSTATS_LOG_LEVEL: 'info' });
    app = await buildApp({ store: fresh.store, zones: fresh.zones, config }, { logger: { level: config.logLevel, stream: log.stream } });
    key = (await createApiKey(fresh.store, '*', 'log test')).token;
    hook = (await createWebhookToken(fresh.store, ACCOUNT)).token;
    const requests = [
      { url: `/v2/accounts/${ACCOUNT}/call_statistics/countries`, headers: { 'x-auth-token': key } },
      { url: `/v2/accounts/${ACCOUNT}/call_statistics/countries`, headers: { authorization: `Bearer ${key}` } },
      { url: `/v2/accounts/${ACCOUNT}/call_statistics/daily?q=%7Bbad`, headers: { 'x-auth-token': key } },
      {
        method: 'POST' as const,
        url: `/v2/webhooks/${hook}/channel_destroy`,
        headers: { 'content-type': 'application/json' },
        payload: kazooCdr('log1', T0),
      },
      { method: 'POST' as const, url: `/v2/webhooks/${hook}/nowhere`, headers: { 'x-auth-token': key } },
    ];
    for (const r of requests) ids.push((await app.inject(r)).json().request_id);
  });
  after(async () => {
    await app.close();
    await fresh.cleanup();
  });

  test('each request has one "request" line: method, route pattern, status, ms, account, request id', () => {
    const access = log.lines().filter((l) => l.msg === 'request');
    assert.equal(access.length, 5);
    assert.deepEqual(
      access.map((l) => ({
        level: l.level,
        reqId: l.reqId,
        method: l.method,
        route: l.route,
        status: l.status,
        account: l.account,
        path: l.path,
      })),
      [
        {
          level: 30,
          reqId: ids[0],
          method: 'GET',
          route: '/v2/accounts/:account/call_statistics/countries',
          status: 200,
          account: ACCOUNT,
          path: undefined,
        },
        {
          level: 30,
          reqId: ids[1],
          method: 'GET',
          route: '/v2/accounts/:account/call_statistics/countries',
          status: 200,
          account: ACCOUNT,
          path: undefined,
        },
        {
          level: 30,
          reqId: ids[2],
          method: 'GET',
          route: '/v2/accounts/:account/call_statistics/:period',
          status: 400,
          account: ACCOUNT,
          path: undefined,
        },
        {
          level: 30,
          reqId: ids[3],
          method: 'POST',
          route: '/v2/webhooks/:token/channel_destroy',
          status: 200,
          account: undefined,
          path: undefined,
        },
        {
          level: 30,
          reqId: ids[4],
          method: 'POST',
          route: 'unmatched',
          status: 404,
          account: undefined,
          path: '/v2/webhooks/[redacted]/nowhere',
        },
      ],
    );
    for (const l of access) assert.equal(typeof l.ms, 'number');
  });

  test('no line carries the API key, the webhook token (id or secret) or an Authorization header', () => {
    const text = log.text();
    assert.ok(log.lines().length >= 5, 'the requests were logged');
    for (const secret of [key, ...key.split('.'), hook, ...hook.split('.')])
      assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 6)}…`);
    assert.ok(!/authorization|x-auth-token/i.test(text));
  });
});

describe('serve logs at info unless CALLSTATS_LOG_LEVEL says otherwise', () => {
  test('the default level is info; warn silences the access lines', async () => {
    assert.equal(loadConfig({}).logLevel, 'info');
    assert.equal(loadConfig({ CALLSTATS_LOG_LEVEL: '' }).logLevel, 'info');
    const fresh = await freshStore();
    const log = capture();
    const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_LOG_LEVEL: 'warn' });
    const app = await buildApp(
      { store: fresh.store, zones: fresh.zones, config },
      { logger: { level: config.logLevel, stream: log.stream } },
    );
    try {
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
      assert.deepEqual(log.lines(), []);
    } finally {
      await app.close();
      await fresh.cleanup();
    }
  });
});
