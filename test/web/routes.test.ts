import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { testApp } from '../helpers/app.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { failure, toCallstatsError } from '../../src/api/envelope.js';
import dashboardRoutes, { CONTENT_SECURITY_POLICY } from '../../src/api/routes/dashboard.js';
import { allFields, groupableFieldNames } from '../../src/query/fields.js';
import { METRICS } from '../../src/query/parse-query.js';
import { ensureWebBuild } from './harness.js';

const A = 'aaaa0000000000000000000000000001';
const B = 'bbbb0000000000000000000000000002';

describe('GET /v2/accounts lists the accounts a key may read (SPEC 7)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp({ CALLSTATS_RATE_LIMIT: '0' });
    for (const [account, id] of [
      [B, 'b1'],
      [A, 'a1'],
      [A, 'a2'],
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/v2/accounts/${account}/call_statistics/cdrs`,
        headers: { 'x-auth-token': t.token },
        payload: { data: [kazooCdr(id, 1_700_000_000)] },
      });
      assert.equal(res.statusCode, 200, res.body);
    }
  });
  after(() => t.close());
  const list = (token?: string) => t.app.inject({ method: 'GET', url: '/v2/accounts', headers: token ? { 'x-auth-token': token } : {} });

  test('an all-accounts key lists every account the store has calls for, sorted, in the envelope', async () => {
    const res = await list(t.token);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.status, 'success');
    assert.deepEqual(body.data, [{ id: A }, { id: B }]);
  });

  test('a key for one account lists that account only, with or without calls', async () => {
    assert.deepEqual((await list((await createApiKey(t.store, B)).token)).json().data, [{ id: B }]);
    assert.deepEqual((await list((await createApiKey(t.store, 'cccc0000000000000000000000000003')).token)).json().data, [
      { id: 'cccc0000000000000000000000000003' },
    ]);
  });

  test('no key and a wrong key are 401 in the envelope', async () => {
    const missing = await list();
    assert.equal(missing.statusCode, 401);
    assert.deepEqual([missing.json().status, missing.json().message], ['error', 'missing X-Auth-Token']);
    const wrong = await list(`${t.token}x`);
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().message, 'invalid credentials');
  });

  test('GET /v2/fields gives the field and metric registries: the dashboard reads its choices there', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v2/fields' });
    assert.equal(res.statusCode, 200);
    const { fields, metrics } = res.json().data as { fields: { name: string; groupable: boolean; values?: string[] }[]; metrics: string[] };
    assert.deepEqual(
      fields.filter((f) => f.groupable).map((f) => f.name),
      groupableFieldNames(),
    );
    assert.deepEqual(
      fields.map((f) => f.name),
      allFields().map((f) => f.name),
    );
    assert.deepEqual(fields.find((f) => f.name === 'call_direction')?.values, ['inbound', 'outbound']);
    assert.deepEqual(metrics, [...METRICS]);
  });
});

describe('GET / serves the built dashboard with cache headers and a strict CSP', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    await ensureWebBuild();
    t = await testApp({ CALLSTATS_RATE_LIMIT: '0' });
  });
  after(() => t.close());

  test('index.html is no-cache, carries the CSP and loads only same-origin hashed assets, no inline script', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.match(CONTENT_SECURITY_POLICY, /^default-src 'self'; script-src 'self';/);
    const scripts = [...res.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0][2].trim(), '', 'no inline script');
    const urls = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(
      urls.map((u) => u.replace(/-[A-Z0-9]{8}\./, '-HASH.')),
      ['data:,', '/assets/style-HASH.css', '/assets/main-HASH.js'],
    );
  });

  test('hashed assets are immutable for a year, gzipped when the client accepts it, and the same bytes either way', async () => {
    const html = (await t.app.inject({ method: 'GET', url: '/' })).body;
    for (const [, url, type] of html.matchAll(/"(\/assets\/[^"]+\.(js|css))"/g)) {
      const plain = await t.app.inject({ method: 'GET', url });
      assert.equal(plain.statusCode, 200);
      assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(plain.headers['content-type'], type === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
      assert.equal(plain.headers['content-encoding'], undefined);
      const gz = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, br' } });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.deepEqual(gunzipSync(gz.rawPayload), plain.rawPayload);
    }
  });

  test('an unknown or path-like asset name is a 404 in the envelope', async () => {
    for (const url of ['/assets/main-AAAAAAAA.js', '/assets/..%2Fpackage.json', '/assets/index.html']) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().status, 'error');
    }
  });

  test('without a build, GET / is a 404 envelope that says how to build, and the API still answers', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'callstats-noweb-'));
    const app = Fastify();
    app.setErrorHandler((err, request, reply) => failure(reply, toCallstatsError(err, request)));
    await app.register(dashboardRoutes, { root: empty });
    const res = await app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json().message, 'dashboard not built');
    assert.match(res.json().data.dashboard, /run `npm run build`/);
    await app.close();
    rmSync(empty, { recursive: true, force: true });
    const api = await t.app.inject({ method: 'GET', url: '/v2/accounts', headers: { 'x-auth-token': t.token } });
    assert.equal(api.statusCode, 200);
  });
});
