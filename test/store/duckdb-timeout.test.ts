import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import type { Call } from '../../src/core/call.js';
import { CallstatsError } from '../../src/core/errors.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import { freshStore } from '../helpers/store.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { call as baseCall } from '../helpers/call.js';

const TIMEOUT_MS = 1000;
/** The 503 must come within the timeout and this margin (a loaded 2-core machine). */
const MARGIN_MS = 1000;
/** Minutes of work for DuckDB: a cross join that no index or statistic shortens. */
const SLOW = {
  sql: 'SELECT a.range AS n FROM range(100000000) a, range(100000) b WHERE a.range + b.range = 7',
  params: [],
};

function call(id: string): Call {
  return baseCall({
    account_id: 'acctTimeout',
    call_id: id,
    call_time: 1_700_000_000,
    duration_seconds: 10,
    billing_seconds: 5,
  });
}

/** How long `work` took to fail, and with what. */
async function failure(work: () => Promise<unknown>): Promise<{ ms: number; err: CallstatsError }> {
  const started = Date.now();
  try {
    await work();
  } catch (err) {
    assert.ok(err instanceof CallstatsError, `a CallstatsError, not ${String(err)}`);
    return { ms: Date.now() - started, err };
  }
  assert.fail('expected the store call to time out');
}

/** Holds the store's write lock for `ms`, as a long maintenance write would. */
function holdWriteLock(store: DuckDBStore, ms: number): Promise<unknown> {
  return store['writeLock'].run(() => new Promise((r) => setTimeout(r, ms)));
}

describe('DuckDB query timeout (CALLSTATS_QUERY_TIMEOUT)', () => {
  let f: Awaited<ReturnType<typeof freshStore>>;
  let store: DuckDBStore;
  let app: FastifyInstance;
  let token: string;

  before(async () => {
    f = await freshStore();
    token = (await createApiKey(f.store, '*', 'timeout')).token;
    await f.store.close();
    store = new DuckDBStore(f.path, { memoryLimit: '512MB', queryTimeoutMs: TIMEOUT_MS });
    await store.init();
    const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_QUERY_TIMEOUT: '1', CALLSTATS_RATE_LIMIT: '0' });
    app = await buildApp({ store, zones: await ZoneService.open(store, undefined), config });
  });
  after(async () => {
    await app.close();
    await store.close();
    await f.cleanup();
  });

  test('a query running past the timeout is interrupted: 503 ERR_STORE_TIMEOUT, and the next query answers', async () => {
    const { ms, err } = await failure(() => store.all(SLOW));
    assert.equal(err.status, 503);
    assert.equal(err.code, 'ERR_STORE_TIMEOUT');
    assert.deepEqual(err.data, { store: 'no answer within 1 s (CALLSTATS_QUERY_TIMEOUT)' });
    assert.ok(ms >= TIMEOUT_MS - 50 && ms < TIMEOUT_MS + MARGIN_MS, `timed out after ${ms} ms`);
    assert.deepEqual(await store.all({ sql: 'SELECT 42 AS x', params: [] }), [{ x: 42 }]);
    assert.equal(await store.countCalls(), 0);
  });

  test('a stream whose next chunk does not come in time ends with the same 503 (stream and streamText)', async () => {
    for (const read of [() => store.stream(SLOW), () => store.streamText({ ...SLOW, sql: `SELECT n::VARCHAR FROM (${SLOW.sql})` })]) {
      const { ms, err } = await failure(async () => {
        for await (const _ of read()) assert.fail('no row can come this fast');
      });
      assert.equal(err.code, 'ERR_STORE_TIMEOUT');
      assert.ok(ms < TIMEOUT_MS + MARGIN_MS, `timed out after ${ms} ms`);
    }
    const rows: unknown[] = [];
    for await (const r of store.stream({ sql: 'SELECT range AS n FROM range(3)', params: [] })) rows.push(r);
    assert.deepEqual(rows, [{ n: 0 }, { n: 1 }, { n: 2 }]);
  });

  test('an insert that cannot get the write lock in time is a 503 and is never stored later', async () => {
    const held = holdWriteLock(store, TIMEOUT_MS * 2.5);
    const { ms, err } = await failure(() => store.insertCalls([call('late')]));
    assert.equal(err.code, 'ERR_STORE_TIMEOUT');
    assert.ok(ms < TIMEOUT_MS + MARGIN_MS, `timed out after ${ms} ms`);
    await held;
    assert.deepEqual(await store.insertCalls([call('on time')]), { inserted: 1, duplicates: 0 });
    assert.deepEqual(await store.all({ sql: "SELECT call_id FROM calls WHERE account_id = 'acctTimeout'", params: [] }), [
      { call_id: 'on time' },
    ]);
  });

  test('over HTTP the timeout is a 503 in the Kazoo envelope, and the same request then succeeds', async () => {
    const post = () =>
      app.inject({
        method: 'POST',
        url: '/v2/accounts/acct00000000000000000000000000a1/call_statistics/cdrs',
        headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        payload: JSON.stringify({ data: [kazooCdr('http-timeout', 1_700_000_000)] }),
      });
    const held = holdWriteLock(store, TIMEOUT_MS * 2.5);
    const started = Date.now();
    const res = await post();
    const ms = Date.now() - started;
    assert.equal(res.statusCode, 503);
    const body = res.json();
    assert.equal(body.status, 'error');
    assert.equal(body.error, '503');
    assert.deepEqual(body.data, { store: 'no answer within 1 s (CALLSTATS_QUERY_TIMEOUT)' });
    assert.ok(ms < TIMEOUT_MS + MARGIN_MS, `answered after ${ms} ms`);
    await held;
    const ok = await post();
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().data.accepted, 1);
  });
});
