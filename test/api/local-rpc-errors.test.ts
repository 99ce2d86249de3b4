import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/core/config.js';
import { controlHeaders } from '../../src/store/remote/control-channel.js';
import { freshStore } from '../helpers/store.js';

// The control channel forwards a Store call from the CLI; arguments the store cannot take (a
// client bug, a version skew between CLI and server) are the caller's error: a 400 naming the
// method, never a 500, and the server keeps serving.
let fresh: Awaited<ReturnType<typeof freshStore>>;
let app: Awaited<ReturnType<typeof buildApp>>;
const token = 'control-token-for-rpc-errors';

before(async () => {
  fresh = await freshStore();
  const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' });
  app = await buildApp({ store: fresh.store, zones: fresh.zones, config, controlToken: token });
});
after(async () => {
  await app?.close();
  await fresh?.cleanup();
});

const rpc = (method: string, args: unknown) =>
  app.inject({ method: 'POST', url: '/_local/rpc', headers: controlHeaders(token), remoteAddress: '127.0.0.1', payload: { method, args } });

test('a store call whose arguments the store cannot take answers 400 ERR_RPC naming the method, not 500', async () => {
  const cases: [string, unknown[]][] = [
    ['insertCalls', [null]],
    ['insertCalls', [[{ nothing: 'like a call' }]]],
    ['applyZones', ['caller_id_number', 42]],
    ['saveZones', [{}]],
    ['all', [{ sql: 'this is not sql', params: [] }]],
  ];
  for (const [method, args] of cases) {
    const res = await rpc(method, args);
    assert.equal(res.statusCode, 400, `${method} ${JSON.stringify(args)}: ${res.body}`);
    const body = res.json();
    assert.equal(body.error, '400');
    assert.equal(body.data.method, method);
    assert.equal(typeof body.data.reason, 'string');
  }
  const ok = await rpc('countCalls', []);
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), { result: 0 });
});
