import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { MAX_URL_BYTES } from '../../src/api/http-limits.js';
import { freshStore } from '../helpers/store.js';

/** Writes `chunks` to a raw connection (a function chunk is awaited: a pause) and returns everything read until it closes. */
async function raw(port: number, chunks: (string | (() => Promise<void>))[], opts: { closeAfterMs?: number } = {}) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  const started = performance.now();
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (text += d));
  const ended = new Promise<number>((resolve) => {
    socket.on('close', () => resolve(performance.now() - started));
    socket.on('error', () => undefined);
  });
  for (const c of chunks) {
    if (typeof c === 'function') await c();
    else if (!socket.destroyed) await new Promise<void>((resolve) => socket.write(c, () => resolve()));
  }
  if (opts.closeAfterMs) setTimeout(() => socket.destroy(), opts.closeAfterMs).unref();
  const ms = await ended;
  const [head, body = ''] = text.split('\r\n\r\n');
  const status = Number(head.split(' ')[1]);
  return { status, head, body, ms, json: body ? (JSON.parse(body) as Record<string, unknown>) : undefined };
}

const sleep = (ms: number) => () => new Promise<void>((r) => setTimeout(r, ms));

function assertEnvelope(r: { status: number; json?: Record<string, unknown> }, status: number) {
  assert.equal(r.status, status);
  assert.ok(r.json, 'a JSON body');
  assert.equal(r.json.status, 'error');
  assert.equal(r.json.error, String(status));
  assert.equal(typeof r.json.message, 'string');
  assert.match(String(r.json.request_id), /^[0-9a-f]{32}$/);
}

describe('the HTTP edge answers in the envelope, within its time limits (SPEC 2.1, issue 9 point 4, 6)', () => {
  let fresh: Awaited<ReturnType<typeof freshStore>>;
  let app: FastifyInstance;
  let port: number;
  let token: string;

  before(async () => {
    fresh = await freshStore();
    const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' });
    app = await buildApp(
      { store: fresh.store, zones: fresh.zones, config },
      { limits: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000 } },
    );
    token = (await createApiKey(fresh.store, '*')).token;
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
  });
  after(async () => {
    await app.close();
    await fresh.cleanup();
  });

  const statsUrl = (qLength: number) => `/v2/accounts/acc1/call_statistics/monthly?q=${'x'.repeat(qLength)}`;

  test('a URL just under 1 MiB is parsed as usual (here: a 400 for its malformed q)', async () => {
    const url = statsUrl(MAX_URL_BYTES - 100);
    const r = await raw(port, [`GET ${url} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${token}\r\nConnection: close\r\n\r\n`]);
    assertEnvelope(r, 400);
  });

  test('a 3 MB URL is a 414 in the envelope that says to POST the same query as JSON', async () => {
    const r = await raw(port, [`GET ${statsUrl(3_000_000)} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${token}\r\nConnection: close\r\n\r\n`]);
    assertEnvelope(r, 414);
    assert.match(String(r.json!.message), /POST the same query as the JSON body/);
  });

  test('a URL beyond what the parser buffers (6 MB) is still a 414 in the envelope', async () => {
    const r = await raw(port, [`GET ${statsUrl(6_000_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
    assertEnvelope(r, 414);
    assert.match(String(r.json!.message), /POST/);
  });

  test('headers over 64 KiB besides the URL are a 431 in the envelope, and over the parser buffer too', async () => {
    const big = await raw(port, [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(100_000)}\r\nConnection: close\r\n\r\n`]);
    assertEnvelope(big, 431);
    const lines = Array.from({ length: 700 }, (_, i) => `X-H${i}: ${'z'.repeat(8000)}\r\n`).join('');
    const huge = await raw(port, [`GET /healthz HTTP/1.1\r\nHost: x\r\n${lines}Connection: close\r\n\r\n`]);
    assertEnvelope(huge, 431);
  });

  test('slow headers are a 408 in the envelope after CALLSTATS_HEADERS_TIMEOUT (slowloris holds)', async () => {
    const r = await raw(port, ['GET /healthz HTTP/1.1\r\n', sleep(300), 'Host: x\r\n', sleep(300), 'X-A: 1\r\n']);
    assertEnvelope(r, 408);
    assert.ok(r.ms >= 900 && r.ms < 3000, `closed after ${r.ms.toFixed(0)} ms`);
  });

  test('a body that trickles past CALLSTATS_REQUEST_TIMEOUT is cut with a 408 in the envelope', async () => {
    const path = '/v2/accounts/acc1/call_statistics/monthly';
    const trickle = Array.from({ length: 12 }, () => [' ', sleep(250)]).flat();
    const r = await raw(port, [
      `POST ${path} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      ...trickle,
    ]);
    assertEnvelope(r, 408);
    assert.ok(r.ms >= 1900 && r.ms < 4500, `closed after ${r.ms.toFixed(0)} ms`);
  });

  test('an idle keep-alive connection is closed after CALLSTATS_KEEPALIVE_TIMEOUT', async () => {
    const r = await raw(port, [`GET /v2/accounts/acc1/call_statistics/countries HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${token}\r\n\r\n`], {
      closeAfterMs: 10_000,
    });
    assert.equal(r.status, 200);
    assert.ok(r.ms >= 900 && r.ms < 3000, `closed after ${r.ms.toFixed(0)} ms`);
  });

  test('a malformed request line is a 400 in the envelope', async () => {
    const r = await raw(port, ['GARBAGE\r\n\r\n']);
    assertEnvelope(r, 400);
  });

  test('while shutting down, a request on an open connection is a 503 in the envelope with Connection: close', async () => {
    app.drain.closing = true;
    try {
      const r = await raw(port, [`GET /v2/accounts/acc1/call_statistics/countries HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${token}\r\n\r\n`]);
      assertEnvelope(r, 503);
      assert.match(r.head.toLowerCase(), /connection: close/);
      assert.equal(r.json!.message, 'shutting down');
    } finally {
      app.drain.closing = false;
    }
  });
});
