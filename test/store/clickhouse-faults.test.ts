import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey, createWebhookToken } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { RECHECK_AFTER_MS } from '../../src/store/clickhouse/health.js';
import { HttpStatusError, storeError } from '../../src/store/clickhouse/faults.js';
import { CallstatsError } from '../../src/core/errors.js';
import type { Call } from '../../src/core/call.js';
import { cdrToCall } from '../../src/ingest/index.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { startClickHouse, startClickHouseCluster, type ClickHouseCluster, type ClickHouseServer } from '../helpers/clickhouse-server.js';
import { freshStore } from '../helpers/store.js';

// The ClickHouse store's faults over HTTP, on one real 18.16 server that the tests stop, freeze
// (SIGSTOP, what a network partition looks like) and restart: every request answers 503 in the envelope
// within CALLSTATS_QUERY_TIMEOUT + 2 s, key checks stay 401 for forged tokens, and once the server is
// back callstats answers exactly again without a restart, with nothing acknowledged lost or doubled.
const TIMEOUT_S = 3;
const SLACK_MS = 2_000;
const A = 'acct00000000000000000000000000a1';
const B = 'acct00000000000000000000000000b2';
const MARCH = Date.UTC(2024, 2, 1) / 1000;
const FORGED = `${'0123456789abcdef'}.${'x'.repeat(43)}`;

let server: ClickHouseServer;
let store: ClickHouseStore;
let app: FastifyInstance;
let token: string;
let hook: string;
let duck: Awaited<ReturnType<typeof freshStore>>;
let nextId = 0;

/** `n` new CDRs of `account` in March 2024, durations 1..n. */
function cdrs(n: number, account = A): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) =>
    kazooCdr(`call-${nextId++}`, MARCH + 3600 + i * 60, {
      duration_seconds: String(1 + (i % 97)),
      custom_channel_vars: { account_id: account },
    }),
  );
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

const get = (url: string, auth: string | undefined = token) =>
  app.inject({ method: 'GET', url, headers: auth === undefined ? {} : { 'x-auth-token': auth } });
const monthly = (account = A, auth?: string) => get(`/v2/accounts/${account}/call_statistics/monthly`, auth);
const records = (account = A) => get(`/v2/accounts/${account}/call_statistics/json?page_size=10000`);
const csv = (account = A) => get(`/v2/accounts/${account}/call_statistics/csv`);
const ingest = (docs: Record<string, unknown>[], account = A) =>
  app.inject({
    method: 'POST',
    url: `/v2/accounts/${account}/call_statistics/cdrs`,
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    payload: { data: docs },
  });
const webhook = (doc: Record<string, unknown>, secret = hook) =>
  app.inject({
    method: 'POST',
    url: `/v2/webhooks/${secret}/channel_destroy`,
    headers: { 'content-type': 'application/json' },
    payload: doc,
  });

/** Asserts a 503 in the Kazoo envelope naming the store. */
function assertUnavailable(res: Awaited<ReturnType<typeof get>>, what: string): void {
  assert.equal(res.statusCode, 503, `${what}: ${res.body}`);
  const body = res.json();
  assert.equal(body.error, '503', what);
  assert.equal(body.status, 'error', what);
  assert.match(body.message, /^store /, what);
  assert.equal(typeof body.data.store, 'string', what);
}

/** The monthly answer's data, and the account's count through the API (records page). */
async function answers(account = A): Promise<{ monthly: unknown; total: number }> {
  const m = await monthly(account);
  assert.equal(m.statusCode, 200, m.body);
  const data = m.json().data as Record<string, { total: number }>;
  return { monthly: data, total: Object.values(data).reduce((n, b) => n + b.total, 0) };
}

/**
 * Waits until the API answers 200 again after the server is back, and returns how long that took: the
 * store fails fast for RECHECK_AFTER_MS after a request got no answer, then probes it.
 */
async function healed(): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const res = await monthly();
    if (res.statusCode === 200) return performance.now() - t0;
    assertUnavailable(res, 'while healing');
    if (performance.now() - t0 > RECHECK_AFTER_MS + TIMEOUT_S * 1000) assert.fail(`not healed after ${performance.now() - t0} ms`);
    await sleep(100);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ClickHouse faults answer 503 and heal by themselves', () => {
  let acknowledged = 0; // calls of account A that an ingest answered 2xx for
  let baselineB: unknown;

  before(async () => {
    duck = await freshStore();
    server = await startClickHouse();
    store = new ClickHouseStore(`clickhouse://127.0.0.1:${server.httpPort}/callstats`, { queryTimeoutMs: TIMEOUT_S * 1000 });
    await store.init();
    const config = loadConfig({
      CALLSTATS_STORE: 'clickhouse://unused/callstats',
      CALLSTATS_QUERY_TIMEOUT: String(TIMEOUT_S),
      CALLSTATS_RATE_LIMIT: '0',
    });
    app = await buildApp({ store, zones: duck.zones, config });
    token = (await createApiKey(store, '*', 'faults test')).token;
    hook = (await createWebhookToken(store, A)).token;
    const seeded = await ingest(cdrs(300));
    assert.equal(seeded.statusCode, 200, seeded.body);
    acknowledged += seeded.json().data.accepted;
    const other = await ingest(cdrs(120, B), B);
    assert.equal(other.statusCode, 200, other.body);
    baselineB = (await answers(B)).monthly;
  });

  after(async () => {
    await app?.close();
    await store?.close().catch(() => undefined);
    await server?.stop();
    await duck?.cleanup();
  });

  test('a stopped server: statistics, records, CSV, ingest and webhooks answer 503 in the envelope within 2 s', async () => {
    await server.terminate();
    const checks: [string, () => ReturnType<typeof get>][] = [
      ['monthly', () => monthly()],
      ['records', () => records()],
      ['csv', () => csv()],
      ['ingest', () => ingest(cdrs(5))],
      ['webhook', () => webhook(cdrs(1)[0])],
    ];
    for (const [what, run] of checks) {
      const { ms, value } = await timed(run);
      assertUnavailable(value, what);
      assert.ok(ms < 2_000, `${what} took ${ms} ms`);
    }
    await server.start();
  });

  test('while the store is stopped a missing or forged token is 401 and a valid key 503', async () => {
    await server.terminate();
    try {
      const missing = await monthly(A, '');
      assert.equal(missing.statusCode, 401, missing.body);
      const forged = await monthly(A, FORGED);
      assert.equal(forged.statusCode, 401, forged.body);
      assert.equal(forged.json().error, '401');
      const forgedHook = await webhook(cdrs(1)[0], FORGED);
      assert.equal(forgedHook.statusCode, 401, forgedHook.body);
      assertUnavailable(await monthly(A), 'valid key');
    } finally {
      await server.start();
    }
  });

  test('after a restart on the same port the next requests answer exactly, nothing lost', async () => {
    const ms = await healed();
    assert.ok(ms < RECHECK_AFTER_MS + 1_500, `healed after ${ms} ms`); // the probe plus a loaded machine
    console.log(`restart: 200 again ${Math.round(ms)} ms after the server answered /ping`);
    const now = await answers();
    assert.equal(now.total, acknowledged);
    assert.deepEqual((await answers(B)).monthly, baselineB);
    assert.equal(await store.countCalls(A), acknowledged);
    const res = await ingest(cdrs(10));
    assert.equal(res.statusCode, 200, res.body);
    acknowledged += res.json().data.accepted;
    assert.equal((await answers()).total, acknowledged);
  });

  test(`a frozen server: concurrent requests each answer 503 within ${TIMEOUT_S} s + 2 s, then SIGCONT answers exactly`, async () => {
    const before = await answers();
    let timings = '';
    server.pause();
    try {
      const load: [string, () => ReturnType<typeof get>][] = [
        ['monthly', () => monthly()],
        ['monthly B', () => monthly(B)],
        ['records', () => records()],
        ['ingest', () => ingest(cdrs(50))],
        ['webhook', () => webhook(cdrs(1)[0])],
      ];
      const results = await Promise.all(load.map(async ([what, run]) => ({ what, ...(await timed(run)) })));
      timings = results.map((r) => `${r.what} ${Math.round(r.ms)} ms`).join(', ');
      for (const { what, ms, value } of results) {
        assertUnavailable(value, what);
        assert.ok(ms < TIMEOUT_S * 1000 + SLACK_MS, `${what} took ${ms} ms`);
        assert.ok(ms >= TIMEOUT_S * 1000 - 50, `${what} gave up before the timeout: ${ms} ms`);
      }
      // CSV has sent its header before the store is asked, so the export is cut (inject reports the
      // destroyed response); what matters here is that it ends, not hangs.
      const exported = await timed(() =>
        csv().then(
          (r) => r.body,
          (e: Error) => e.message,
        ),
      );
      assert.ok(exported.ms < TIMEOUT_S * 1000 + SLACK_MS, `csv took ${exported.ms} ms`);
      assert.doesNotMatch(exported.value, /call-/);
      const forged = await timed(() => monthly(A, FORGED));
      assert.equal(forged.value.statusCode, 401, forged.value.body);
      assert.ok(forged.ms < TIMEOUT_S * 1000 + SLACK_MS, `forged token took ${forged.ms} ms`);
    } finally {
      server.resume();
    }
    const ms = await healed();
    assert.ok(ms < RECHECK_AFTER_MS + 1_500, `healed after ${ms} ms`); // the probe plus a loaded machine
    console.log(`frozen: ${timings}; forged token 401; 200 again ${Math.round(ms)} ms after SIGCONT`);
    // Frozen before their duplicate check answered, the ingest and the webhook stored nothing.
    assert.deepEqual(await answers(), before);
    assert.deepEqual((await answers(B)).monthly, baselineB);
  });

  test('an insert frozen at any point answers 503, and re-sending after SIGCONT counts every call once', async () => {
    // Freeze after a different delay each round, so the freeze hits the duplicate check, the call_ids
    // insert, the calls insert or the answer.
    let expected = await store.countCalls(A);
    const outcomes: string[] = [];
    for (const delayMs of [0, 20, 80, 250]) {
      const batch = cdrs(4000);
      const pending = ingest(batch);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      server.pause();
      const { ms, value } = await timed(() => pending);
      server.resume();
      assert.ok(ms < TIMEOUT_S * 1000 + SLACK_MS, `delay ${delayMs}: ingest took ${ms} ms`);
      if (value.statusCode !== 200) assertUnavailable(value, `delay ${delayMs}`);
      outcomes.push(`${delayMs} ms: ${value.statusCode}`);
      // Re-send until acknowledged, as a client does after a 503.
      let again = await ingest(batch);
      for (let i = 0; again.statusCode !== 200 && i < 20; i++) {
        assertUnavailable(again, `re-send after ${delayMs} ms`);
        await sleep(250);
        again = await ingest(batch);
      }
      assert.equal(again.statusCode, 200, again.body);
      const r = again.json().data as { accepted: number; duplicates: number };
      assert.equal(r.accepted + r.duplicates, batch.length, `delay ${delayMs}`);
      if (value.statusCode === 200) assert.equal(r.accepted, 0, `delay ${delayMs}: acknowledged calls stored again`);
      expected += batch.length;
      assert.equal(await store.countCalls(A), expected, `delay ${delayMs}: stored count`);
      assert.equal((await answers()).total, expected, `delay ${delayMs}: monthly total`);
    }
    assert.deepEqual((await answers(B)).monthly, baselineB);
    console.log(`frozen inserts: ${outcomes.join(', ')}`);
  });

  /**
   * :TRICKY: freezes the server right after the answer's headers of the next query whose SQL matches
   * `match` are in, with its body still on the way: the client stops applying abort_signal once the
   * headers are in, which is the phase that once held an ingest for the 600 s socket idle timeout. A
   * tiny answer arrives in one piece, so the freeze would miss it; `longAnswer` replaces the query by
   * one whose body (hundreds of MB) cannot have arrived yet.
   */
  function freezeAfterHeaders(match: RegExp, longAnswer?: string): () => void {
    const client = (store as unknown as { conn: { client: { query: (p: { query: string }) => Promise<unknown> } } }).conn.client;
    const original = client.query;
    client.query = async function (this: unknown, params: { query: string }) {
      if (!match.test(params.query)) return original.call(this, params);
      client.query = original;
      const result = await original.call(this, longAnswer ? { ...params, query: longAnswer } : params);
      server.pause();
      return result;
    };
    return () => {
      client.query = original;
      server.resume();
    };
  }
  const LONG_ANSWER = 'SELECT toString(number) AS id, toString(number) AS account FROM numbers(100000000)';

  test("a read or a stream frozen after its answer's headers answers 503 within the timeout", async () => {
    let undo = freezeAfterHeaders(/numbers\(/);
    try {
      const { ms } = await timed(() =>
        assert.rejects(store.all({ sql: LONG_ANSWER, params: [] }), (e: CallstatsError) => e.code === 'ERR_STORE_TIMEOUT'),
      );
      assert.ok(ms < TIMEOUT_S * 1000 + SLACK_MS, `read took ${ms} ms`);
    } finally {
      undo();
    }
    await healed();
    undo = freezeAfterHeaders(/numbers\(/);
    try {
      let lastRow = performance.now();
      let rows = 0;
      await assert.rejects(
        (async () => {
          for await (const _ of store.stream({ sql: LONG_ANSWER, params: [] })) {
            rows++;
            lastRow = performance.now();
          }
        })(),
        (e: CallstatsError) => e.code === 'ERR_STORE_TIMEOUT',
      );
      // The stream's timeout is the server's silence (connection.ts): timed from the last row the
      // store handed over, not from the start — the rows that were already on their way before the
      // freeze (88,551 once, under load) take their own time to parse. `rows` is 0 when the freeze
      // came before the first block: the body is still unfinished, same phase.
      const ms = performance.now() - lastRow;
      assert.ok(ms < TIMEOUT_S * 1000 + SLACK_MS, `stream gave up ${ms} ms after its last row (${rows} rows)`);
    } finally {
      undo();
    }
    await healed();
  });

  test("an ingest whose key look-up freezes after the answer's headers answers 503 within the timeout, storing nothing", async () => {
    const before = await answers();
    const undo = freezeAfterHeaders(/FROM api_keys/, LONG_ANSWER);
    try {
      const { ms, value } = await timed(() => ingest(cdrs(4000)));
      assertUnavailable(value, 'ingest');
      assert.ok(ms < TIMEOUT_S * 1000 + SLACK_MS, `ingest took ${ms} ms`);
    } finally {
      undo();
    }
    await healed();
    assert.deepEqual(await answers(), before);
  });

  test('an INSERT the server completes after the store gave up is not stored twice by a re-send', async () => {
    // :TRICKY: to freeze the server exactly between the call_ids and the calls INSERT, the test wraps the
    // store's connection: the server is frozen just before the calls INSERT is sent, so that INSERT sits
    // in the frozen server's socket buffer when the caller's timeout passes, and the server completes it
    // (50,000 rows, hundreds of ms) after SIGCONT, while the re-send runs.
    const conn = (store as unknown as { conn: { insertTsv: (table: string, ...rest: unknown[]) => Promise<void> } }).conn;
    const original = conn.insertTsv;
    const calls: Call[] = cdrs(50_000).map((doc) => {
      const r = cdrToCall(doc, { accountId: A, zoneOf: duck.zones.zoneOf });
      assert.ok(r.ok);
      return r.call;
    });
    const before = await store.countCalls(A);
    conn.insertTsv = function (this: unknown, table: string, ...rest: unknown[]) {
      if (table === 'calls') {
        conn.insertTsv = original;
        server.pause();
      }
      return original.call(this, table, ...rest);
    };
    try {
      const t0 = performance.now();
      await assert.rejects(store.insertCalls(calls), (e: CallstatsError) => e.code === 'ERR_STORE_TIMEOUT');
      const ms = performance.now() - t0;
      assert.ok(ms < TIMEOUT_S * 1000 + SLACK_MS, `insert took ${ms} ms`);
      await sleep(RECHECK_AFTER_MS + 100);
    } finally {
      conn.insertTsv = original;
      server.resume();
    }
    // Re-send as soon as the store takes writes again, as a client retrying a 503 does.
    let again: Awaited<ReturnType<typeof store.insertCalls>> | undefined;
    for (let i = 0; !again; i++) {
      again = await store.insertCalls(calls).catch((e: CallstatsError) => {
        assert.equal(e.status, 503, e.message);
        assert.ok(i < 100, 'the store took no write for 5 s after SIGCONT');
        return sleep(50).then(() => undefined);
      });
    }
    assert.deepEqual(again, { inserted: 0, duplicates: calls.length });
    assert.equal(await store.countCalls(A), before + calls.length);
    assert.equal((await answers()).total, before + calls.length);
  });

  test('SIGTERM during ingest, then a restart: every acknowledged call is there once, re-sending stores the rest', async () => {
    const start = await store.countCalls(A);
    const batches: Record<string, unknown>[][] = [];
    let acked = 0;
    let stopped = false;
    const outcomes: number[] = [];
    // Batches go on while the server shuts down (18.16 serves for a few seconds after SIGTERM) and a few
    // more once it is gone.
    const sender = (async () => {
      for (let after = 0; !stopped || after < 3; after += stopped ? 1 : 0) {
        const batch = cdrs(500);
        batches.push(batch);
        const res = await ingest(batch);
        outcomes.push(res.statusCode);
        if (res.statusCode === 200) acked += res.json().data.accepted;
        else assertUnavailable(res, 'ingest during shutdown');
        await sleep(100);
      }
    })();
    await sleep(300);
    const t0 = performance.now();
    await server.terminate();
    const shutdownMs = performance.now() - t0;
    stopped = true;
    await sender;
    console.log(`SIGTERM: shutdown took ${Math.round(shutdownMs)} ms, batches ${outcomes.join(',')}`);
    await server.start();
    await healed();
    const stored = await store.countCalls(A);
    assert.ok(stored >= start + acked, `stored ${stored - start}, acknowledged ${acked}`);
    assert.ok(outcomes.includes(503), `no batch met the stopped server: ${outcomes.join(',')}`);
    for (const batch of batches) {
      const res = await ingest(batch);
      assert.equal(res.statusCode, 200, res.body);
    }
    const total = start + batches.length * 500;
    assert.equal(await store.countCalls(A), total);
    assert.equal((await answers()).total, total);
    assert.deepEqual((await answers(B)).monthly, baselineB);
  });
});

describe('a ClickHouse cluster with a shard down answers 503, never a partial answer', () => {
  let cluster: ClickHouseCluster;
  let chStore: ClickHouseStore;
  let api: FastifyInstance;
  let key: string;
  let zonesStore: Awaited<ReturnType<typeof freshStore>>;

  before(async () => {
    zonesStore = await freshStore();
    cluster = await startClickHouseCluster();
    const hosts = cluster.urls.map((u) => new URL(u).host);
    chStore = new ClickHouseStore(`clickhouse://${hosts[0]}/callstats?cluster=${cluster.cluster}&hosts=${hosts.join(',')}`, {
      queryTimeoutMs: TIMEOUT_S * 1000,
    });
    await chStore.init();
    const config = loadConfig({ CALLSTATS_STORE: 'clickhouse://unused/callstats', CALLSTATS_RATE_LIMIT: '0' });
    api = await buildApp({ store: chStore, zones: zonesStore.zones, config });
    key = (await createApiKey(chStore, '*', 'cluster faults')).token;
  });

  after(async () => {
    await api?.close();
    await chStore?.close().catch(() => undefined);
    await cluster?.stop();
    await zonesStore?.cleanup();
  });

  test('the second shard stopped: statistics and ingest answer 503; restarted: exact again', async () => {
    // Accounts hash to shards; ten accounts put calls on both.
    const accounts = Array.from({ length: 10 }, (_, i) => `acct${String(i).padStart(28, '0')}`);
    const post = (account: string, docs: Record<string, unknown>[]) =>
      api.inject({
        method: 'POST',
        url: `/v2/accounts/${account}/call_statistics/cdrs`,
        headers: { 'x-auth-token': key, 'content-type': 'application/json' },
        payload: { data: docs },
      });
    const monthlyOf = (account: string) =>
      api.inject({ method: 'GET', url: `/v2/accounts/${account}/call_statistics/monthly`, headers: { 'x-auth-token': key } });
    const total = async () => {
      let n = 0;
      for (const account of accounts) {
        const res = await monthlyOf(account);
        assert.equal(res.statusCode, 200, res.body);
        n += Object.values(res.json().data as Record<string, { total: number }>).reduce((sum, b) => sum + b.total, 0);
      }
      return n;
    };
    for (const account of accounts) assert.equal((await post(account, cdrs(20, account))).statusCode, 200);
    assert.equal(await total(), 200);
    let batches: Record<string, unknown>[][] = [];
    let statuses: number[] = [];
    await cluster.servers[1].terminate();
    try {
      const stats = await timed(() => monthlyOf(accounts[0]));
      assertUnavailable(stats.value, 'statistics with a shard down');
      assert.ok(stats.ms < TIMEOUT_S * 1000 + SLACK_MS, `statistics took ${stats.ms} ms`);
      batches = accounts.map((a) => cdrs(5, a));
      const writes = await Promise.all(accounts.map((a, i) => post(a, batches[i])));
      statuses = writes.map((w) => w.statusCode);
      assert.ok(statuses.includes(503), `no ingest met the stopped shard: ${statuses.join(',')}`);
      for (const w of writes) if (w.statusCode !== 200) assertUnavailable(w, 'ingest with a shard down');
    } finally {
      await cluster.servers[1].start();
    }
    // Healed: what was acknowledged is there, and re-sending every batch stores the rest exactly once.
    assert.equal(await chStore.countCalls(), 200 + 5 * statuses.filter((s) => s === 200).length);
    for (const [i, account] of accounts.entries()) assert.equal((await post(account, batches[i])).statusCode, 200);
    assert.equal(await chStore.countCalls(), 250);
    assert.equal(await total(), 250);
    console.log(`ingest with a shard down: ${statuses.join(',')}`);
  });
});

describe('which ClickHouse failures are the store’s', () => {
  const url = 'http://10.0.0.7:8123';
  const coded = (err: unknown) => {
    const e = storeError(err, url) as CallstatsError;
    return e instanceof CallstatsError ? [e.status, e.code, e.data.store] : ['unchanged', (e as Error).message];
  };
  const socketError = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.7:8123`), { code });

  test('network failures are 503 naming host and cause', () => {
    assert.deepEqual(coded(socketError('ECONNREFUSED')), [503, 'ERR_STORE_UNAVAILABLE', '10.0.0.7:8123: ECONNREFUSED']);
    assert.deepEqual(coded(socketError('ENOTFOUND')), [503, 'ERR_STORE_UNAVAILABLE', '10.0.0.7:8123: ENOTFOUND']);
    assert.deepEqual(coded(new Error('socket hang up')), [503, 'ERR_STORE_UNAVAILABLE', '10.0.0.7:8123: socket hang up']);
    const fetchFailed = new TypeError('fetch failed', { cause: socketError('ECONNRESET') });
    assert.deepEqual(coded(fetchFailed), [503, 'ERR_STORE_UNAVAILABLE', '10.0.0.7:8123: ECONNRESET']);
  });

  test('a 5xx that ClickHouse did not write is 503; its own exceptions keep their meaning', () => {
    assert.deepEqual(coded(new HttpStatusError(502, '<html>Bad Gateway</html>')), [
      503,
      'ERR_STORE_UNAVAILABLE',
      '10.0.0.7:8123: HTTP 502',
    ]);
    const syntax = new Error('Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 1, e.what() = DB::Exception');
    assert.deepEqual(coded(syntax), ['unchanged', syntax.message]);
    assert.deepEqual(coded(new HttpStatusError(500, syntax.message)), ['unchanged', syntax.message]);
    assert.deepEqual(coded(new Error('Code: 279, e.displayText() = DB::Exception: All connection tries failed.')), [
      503,
      'ERR_STORE_UNAVAILABLE',
      '10.0.0.7:8123: a shard is unreachable (ClickHouse code 279)',
    ]);
  });

  test('a full disk is 507', () => {
    const full = new Error(
      'Code: 243, e.displayText() = DB::Exception: Cannot reserve 1.00 MiB, not enough space, e.what() = DB::Exception',
    );
    assert.deepEqual(coded(full), [507, 'ERR_STORE_FULL', `10.0.0.7:8123: ${full.message}`]);
    const enospc = new Error(
      'Code: 75, e.displayText() = DB::Exception: Cannot write to file /x/data.bin, errno: 28, strerror: No space left on device',
    );
    assert.equal((storeError(enospc, url) as CallstatsError).status, 507);
  });
});
