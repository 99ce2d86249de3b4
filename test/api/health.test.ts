import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/core/config.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { startClickHouse, type ClickHouseServer } from '../helpers/clickhouse-server.js';
import { freshStore } from '../helpers/store.js';
import { testApp } from '../helpers/app.js';

describe('GET /healthz and /readyz need no key and say whether the process and its store answer', () => {
  test('on a DuckDB store: 200 ok and ready; once the store is closed readiness is a 503 in the envelope, liveness stays 200', async () => {
    const t = await testApp();
    try {
      const live = await t.app.inject({ url: '/healthz' });
      assert.equal(live.statusCode, 200);
      assert.deepEqual(live.json(), { status: 'ok' });
      const ready = await t.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 200, ready.body);
      assert.deepEqual(ready.json(), { status: 'ready' });

      await t.store.close();
      const down = await t.app.inject({ url: '/readyz' });
      assert.equal(down.statusCode, 503, down.body);
      const body = down.json();
      assert.deepEqual(
        { error: body.error, status: body.status, message: body.message, request_id: typeof body.request_id },
        { error: '503', status: 'error', message: 'store is closed', request_id: 'string' },
      );
      assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
    } finally {
      await t.app.close();
    }
  });

  test('while the server drains on shutdown: /readyz is 503 ERR_SHUTTING_DOWN, /healthz still 200', async () => {
    const t = await testApp();
    try {
      t.app.drain.closing = true;
      const ready = await t.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.equal(ready.json().message, 'shutting down');
      const live = await t.app.inject({ url: '/healthz' });
      assert.equal(live.statusCode, 200);
      assert.deepEqual(live.json(), { status: 'ok' });
    } finally {
      t.app.drain.closing = false;
      await t.close();
    }
  });
});

describe('GET /readyz on a ClickHouse store whose server stops', () => {
  let server: ClickHouseServer;
  before(async () => {
    server = await startClickHouse();
  });
  after(() => server.stop());

  test('is 200 while the server answers, 503 with the reason once it is stopped, 200 again once it is back', async () => {
    const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_QUERY_TIMEOUT: '3' });
    const store = new ClickHouseStore(`clickhouse://127.0.0.1:${server.httpPort}/callstats`, { queryTimeoutMs: 3000 });
    await store.init();
    const zonesFrom = await freshStore();
    const app = await buildApp({ store, zones: zonesFrom.zones, config });
    try {
      assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
      await server.terminate();
      const down = await app.inject({ url: '/readyz' });
      assert.equal(down.statusCode, 503, down.body);
      const body = down.json();
      assert.equal(body.error, '503');
      assert.equal(body.status, 'error');
      assert.equal(body.message, 'store unavailable');
      assert.equal(typeof body.data.store, 'string');
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
      await server.start();
      // The store's health check re-probes within a second of a failure (store/clickhouse/health.ts).
      let again = 0;
      for (let i = 0; i < 40 && again !== 200; i++) {
        await new Promise((r) => setTimeout(r, 250));
        again = (await app.inject({ url: '/readyz' })).statusCode;
      }
      assert.equal(again, 200);
    } finally {
      await app.close();
      await store.close();
      await zonesFrom.cleanup();
    }
  });
});

describe('/openapi.json says which routes need a key', () => {
  test('GET /v2/accounts needs X-Auth-Token; /healthz and /readyz need nothing; /metrics a bearer token or nothing', async () => {
    const t = await testApp();
    try {
      const doc = (await t.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { security: unknown }>> };
      assert.deepEqual(doc.paths['/v2/accounts'].get.security, [{ authToken: [] }]);
      assert.deepEqual(doc.paths['/v2/accounts/{account}/call_statistics/{period}'].get.security, [{ authToken: [] }]);
      assert.deepEqual(doc.paths['/healthz'].get.security, []);
      assert.deepEqual(doc.paths['/readyz'].get.security, []);
      assert.deepEqual(doc.paths['/metrics'].get.security, [{ metricsToken: [] }, {}]);
      assert.deepEqual(doc.paths['/v2/webhooks/{token}/channel_destroy'].post.security, []);
    } finally {
      await t.close();
    }
  });
});
