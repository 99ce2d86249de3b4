import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { startClickHouse, type ClickHouseServer } from '../helpers/clickhouse-server.js';

// `callstats serve` on ClickHouse honours CALLSTATS_QUERY_TIMEOUT (SPEC 2.1): a store that does not
// answer is a 503 within the configured seconds, not within the store's built-in 30 s.
const TIMEOUT_S = 4;
const SLACK_MS = 4_000;
const ACCOUNT = '0123456789abcdef0123456789abcdef';

let server: ClickHouseServer;
let child: ChildProcess;
let url = '';
let token = '';

describe('callstats serve passes CALLSTATS_QUERY_TIMEOUT to the store', () => {
  before(async () => {
    server = await startClickHouse();
    // The schema is created first with the store's own timeout: on a busy machine 18.16's DDL can
    // take longer than the few seconds this test sets, and serve's start is not what it pins.
    const setup = new ClickHouseStore(`clickhouse://127.0.0.1:${server.httpPort}/callstats`);
    await setup.init();
    await setup.close();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'serve', '--port', '0'], {
      env: {
        ...process.env,
        CALLSTATS_STORE: `clickhouse://127.0.0.1:${server.httpPort}/callstats`,
        CALLSTATS_QUERY_TIMEOUT: String(TIMEOUT_S),
        CALLSTATS_RATE_LIMIT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += d;
        url = /serving \S+ on (http:\/\/\S+)/.exec(out)?.[1] ?? '';
        token = /API key \(shown once, keep it\): (\S+)/.exec(out)?.[1] ?? '';
        if (url && token) resolve();
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code} before listening: ${out} ${err}`)));
    });
  });

  after(async () => {
    server?.resume();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await server?.stop();
  });

  test(`a frozen ClickHouse answers 503 within ${TIMEOUT_S} s + ${SLACK_MS / 1000} s, then answers again`, async () => {
    const monthly = () => fetch(`${url}/v2/accounts/${ACCOUNT}/call_statistics/monthly`, { headers: { 'x-auth-token': token } });
    const healthy = await monthly();
    assert.equal(healthy.status, 200, await healthy.text());
    server.pause();
    let ms: number;
    let res: Response;
    try {
      const t0 = performance.now();
      res = await monthly();
      ms = performance.now() - t0;
    } finally {
      server.resume();
    }
    const body = (await res.json()) as { error: string; status: string; message: string };
    assert.equal(res.status, 503, JSON.stringify(body));
    assert.equal(body.error, '503');
    assert.equal(body.status, 'error');
    assert.match(body.message, /^store /);
    assert.ok(ms >= TIMEOUT_S * 1000 - 100 && ms < TIMEOUT_S * 1000 + SLACK_MS, `answered after ${Math.round(ms)} ms`);
  });
});
