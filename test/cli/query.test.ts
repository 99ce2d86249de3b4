import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { parseStoreLocation, writeServerHandle } from '../../src/store/open-store.js';
import { freshStore } from '../helpers/store.js';
import { kazooCdr } from '../helpers/cdrs.js';

const T0 = Date.UTC(2016, 2, 3, 19, 0, 0) / 1000;
const Q = JSON.stringify({
  data: { filters: [{ name: 'call_direction', op: 'eq', val: 'outbound' }], grouping: 'unanswered', timezone: 'Pacific/Auckland' },
});

function cli(store: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/run.ts', 'query', ...args],
      { env: { ...process.env, CALLSTATS_STORE: store }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('callstats query (SPEC 8): the same answers as the API', () => {
  let fresh: Awaited<ReturnType<typeof freshStore>>;
  let app: FastifyInstance;
  let storeValue: string;
  const expected: Record<string, unknown> = {};
  const seen: string[] = [];
  let removeHandle = () => undefined as void;

  before(async () => {
    fresh = await freshStore();
    storeValue = `duckdb:${fresh.path}`;
    const config = loadConfig({ CALLSTATS_STORE: storeValue, CALLSTATS_RATE_LIMIT: '0' });
    app = await buildApp({ store: fresh.store, zones: fresh.zones, config, controlToken: 'test-control-token-0123456789' });
    app.addHook('onRequest', async (request) => void seen.push(`${request.method} ${request.url.split('?')[0]}`));
    const { token } = await createApiKey(fresh.store, '*');
    const headers = { 'x-auth-token': token };
    const docs = [5, 6, 6, 7, 11, 79].map((d, i) =>
      kazooCdr(`k${i}`, T0 + i * 300, {
        duration_seconds: String(d),
        billing_seconds: i === 0 ? '0' : String(d),
        caller_id_name: i === 2 ? '=1+1' : 'Alice',
      }),
    );
    const ins = await app.inject({
      method: 'POST',
      url: '/v2/accounts/acc1/call_statistics/cdrs',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: { data: docs },
    });
    assert.equal(ins.json().data.accepted, 6);
    const q = encodeURIComponent(Q);
    expected.hourly = (await app.inject({ url: `/v2/accounts/acc1/call_statistics/hourly?q=${q}`, headers })).json().data;
    expected.csv = (await app.inject({ url: `/v2/accounts/acc1/call_statistics/csv?q=${q}`, headers })).body;
    const page = (await app.inject({ url: `/v2/accounts/acc1/call_statistics/json?q=${q}&page_size=4`, headers })).json();
    expected.json = { data: page.data, page_size: page.page_size, next_start_key: page.next_start_key };
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    removeHandle = writeServerHandle(parseStoreLocation(storeValue), {
      url: `http://127.0.0.1:${port}`,
      controlToken: 'test-control-token-0123456789',
      pid: process.pid,
      dialect: 'duckdb',
    });
  });
  after(async () => {
    removeHandle();
    await app.close();
    await fresh.cleanup();
  });

  // Each check spawns the CLI; against a server they run together, on a bare DuckDB file one at a
  // time (the file takes one process at a time).
  const checkAll = async (parallel: boolean) => {
    const key = String((expected.json as { next_start_key: string }).next_start_key);
    const checks: (() => Promise<void>)[] = [
      async () => {
        const hourly = await cli(storeValue, ['--account', 'acc1', 'hourly', '--q', Q]);
        assert.equal(hourly.code, 0, hourly.stderr);
        assert.equal(hourly.stdout, `${JSON.stringify(expected.hourly, null, 2)}\n`, 'pretty JSON by default');
      },
      async () => {
        const compact = await cli(storeValue, ['--account', 'acc1', 'hourly', '--q', Q, '--json']);
        assert.equal(compact.stdout, `${JSON.stringify(expected.hourly)}\n`);
      },
      async () => {
        const csv = await cli(storeValue, ['--account', 'acc1', 'csv', '--q', Q]);
        assert.equal(csv.code, 0, csv.stderr);
        assert.equal(csv.stdout, expected.csv);
      },
      async () => {
        const json = await cli(storeValue, ['--account', 'acc1', 'json', '--q', Q, '--page-size', '4', '--json']);
        assert.deepEqual(JSON.parse(json.stdout), expected.json);
      },
      async () => {
        const next = await cli(storeValue, ['--account', 'acc1', 'json', '--q', Q, '--page-size', '4', '--start-key', key]);
        assert.deepEqual(
          JSON.parse(next.stdout).data.map((r: { call_id: string }) => r.call_id),
          ['k4', 'k5'],
        );
      },
      async () => {
        const bad = await cli(storeValue, ['--account', 'acc1', 'daily', '--q', '{"filters":[{"name":"x","op":"eq","val":1}]}']);
        assert.equal(bad.code, 2);
        assert.equal(bad.stderr, `callstats: invalid query {"q":{"filters[0].name":"unknown field 'x'"}}\n`);
      },
    ];
    if (parallel) await Promise.all(checks.map((c) => c()));
    else for (const c of checks) await c();
  };

  test('while a server holds the store, it answers over its API with the control token', async () => {
    await checkAll(true);
    assert.ok(seen.includes('POST /v2/accounts/acc1/call_statistics/hourly'), seen.join('\n'));
    assert.ok(seen.includes('POST /v2/accounts/acc1/call_statistics/csv'));
    assert.ok(!seen.some((s) => s.startsWith('POST /_local')), 'the HTTP API, not the store RPC');
  });

  test('with no server, the store is opened directly', async () => {
    removeHandle();
    await app.close();
    await fresh.store.close();
    seen.length = 0;
    await checkAll(false);
    assert.deepEqual(seen, []);
  });

  test('usage errors exit 2', async () => {
    const [r, p] = await Promise.all([cli(storeValue, ['hourly']), cli(storeValue, ['--account', 'acc1', 'yearly'])]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--account/);
    assert.equal(p.code, 2);
    assert.match(p.stderr, /unknown period/);
  });
});
