import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { CALL_TIME_MAX, CALL_TIME_MIN } from '../../src/report/time-bounds.js';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import type { Store } from '../../src/store/store.js';
import { testApp } from '../helpers/app.js';
import { startClickHouse } from '../helpers/clickhouse-server.js';
import { call as baseCall } from '../helpers/call.js';

// Calls stored before ingest was bounded (or by any other path) may hold absurd call_time values.
// They must never make another account's answers wrong, slow or failing (issue 9, point 1).
const T0 = Date.UTC(2023, 2, 25, 22, 0, 0) / 1000; // around Europe/London's 2023 spring change
interface Setup {
  app: FastifyInstance;
  store: Store;
  token: string;
  close(): Promise<void>;
}

async function duckdb(): Promise<Setup> {
  return testApp({ CALLSTATS_RATE_LIMIT: '0' });
}

/** A real ClickHouse server (the Debian 18.16 package) with the app on top. */
async function clickhouse(): Promise<Setup> {
  const server = await startClickHouse();
  const store = new ClickHouseStore(`clickhouse://127.0.0.1:${server.httpPort}/callstats`);
  await store.init();
  const zones = await ZoneService.open(store, undefined);
  const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' });
  const app = await buildApp({ store, zones, config });
  const { token } = await createApiKey(store, '*');
  return {
    app,
    store,
    token,
    async close() {
      await app.close();
      await store.close();
      await server.stop();
    },
  };
}
const ABSURD = [
  1_000_000_000_000_000 - 62167219200, // the webhook's `"timestamp": 1000000000000000`
  Date.UTC(10000, 0, 1) / 1000 + 3600 * 1e6, // past year 10000: past JavaScript's Date range too
  253402300800, // 10000-01-01
  1515671721600, // ~ year 50000
  CALL_TIME_MAX + 1, // 2100-01-01T00:00:00Z, the first instant outside the range
  Number.MAX_SAFE_INTEGER,
  -1,
  -62167219200, // year 0
  -Number.MAX_SAFE_INTEGER,
];

function call(account: string, id: string, t: number, d: number): Call {
  return baseCall({
    account_id: account,
    call_id: id,
    call_time: t,
    call_direction: 'outbound',
    caller_id_name: 'Alice',
    caller_id_number: '+6434123456',
    callee_id_number: '+61412345678',
    duration_seconds: d,
    billing_seconds: d,
    ringing_seconds: 1,
    hangup_cause: 'NORMAL_CLEARING',
  });
}

for (const [engine, setup, N] of [
  ['DuckDB', duckdb, 100_000],
  ['ClickHouse', clickhouse, 10_000],
] as const)
  describe(`absurd call_time values of one account, ${engine} (issue 9, point 1)`, () => {
    let t: Setup;
    const before_: Record<string, { status: number; body: string; ms: number }> = {};
    const get = async (account: string, what: string, q?: object) => {
      const started = performance.now();
      const res = await t.app.inject({
        url: `/v2/accounts/${account}/call_statistics/${what}${q ? `?q=${encodeURIComponent(JSON.stringify(q))}` : ''}`,
        headers: { 'x-auth-token': t.token },
      });
      return { status: res.statusCode, body: res.body, ms: performance.now() - started };
    };
    const ZONES = ['UTC', 'Europe/London', 'Pacific/Chatham'];
    // Every period in every zone; the exports (the slow part) in the zone with a DST change in range.
    const CASES = [
      ...['monthly', 'weekly', 'daily', 'hourly'].flatMap((w) => ZONES.map((z) => [w, z] as const)),
      ['csv', 'Europe/London'] as const,
      ['json', 'Europe/London'] as const,
    ];

    before(async () => {
      t = await setup();
      // B: 100,000 calls, one every 7 s (~8 days), across a DST change; A: two ordinary calls.
      const b = Array.from({ length: N }, (_, i) => call('bbbb', `b${String(i).padStart(6, '0')}`, T0 + i * 7, i % 600));
      for (let i = 0; i < N; i += 50_000) await t.store.insertCalls(b.slice(i, i + 50_000));
      await t.store.insertCalls([call('aaaa', 'a-ok-1', T0, 10), call('aaaa', 'a-ok-2', T0 + 86400, 20)]);
      for (const [w, timezone] of CASES) before_[`${w} ${timezone}`] = await get('bbbb', w, { timezone });
      before_.csv = await get('bbbb', 'csv');
      // Bypasses ingest (and its bounds): the store takes what it is given.
      await t.store.insertCalls(ABSURD.map((v, i) => call('aaaa', `a-absurd-${i}`, v, 30)));
    });
    after(async () => t?.close());

    test('the bounds are 1970-01-01T00:00:00Z and the last second before 2100-01-01T00:00:00Z', () => {
      assert.equal(CALL_TIME_MIN, 0);
      assert.equal(CALL_TIME_MAX, Date.UTC(2100, 0, 1) / 1000 - 1);
    });

    test("another account's unfiltered statistics, CSV and JSON pages are unchanged, every period and zone", async () => {
      for (const [w, timezone] of CASES) {
        const now = await get('bbbb', w, { timezone });
        const was = before_[`${w} ${timezone}`];
        assert.equal(was.status, 200, `${w} ${timezone} before`);
        assert.equal(now.status, 200, `${w} ${timezone}: ${now.body.slice(0, 200)}`);
        // The revision hashes the data, so the whole answer must be byte-for-byte the same but request_id.
        assert.equal(now.body.replace(/"request_id":"\w+"/, ''), was.body.replace(/"request_id":"\w+"/, ''), `${w} ${timezone}`);
      }
    });

    test(`another account's CSV of ${N} calls stays exact and fast`, async () => {
      const now = await get('bbbb', 'csv');
      assert.equal(now.status, 200);
      assert.equal(now.body, before_.csv.body);
      assert.equal(now.body.split('\r\n').length, N + 2); // header, N lines, and the empty tail
      // Measured ~0.6 s before and after (DuckDB, 100,000 calls); the unbounded range took 143 s and failed.
      assert.ok(now.ms < Math.max(5_000, before_.csv.ms * 5), `CSV took ${now.ms.toFixed(0)} ms, ${before_.csv.ms.toFixed(0)} before`);
      console.log(`${engine}: CSV of ${N} calls: ${before_.csv.ms.toFixed(0)} ms before, ${now.ms.toFixed(0)} ms after the absurd calls`);
    });

    test("the absurd account's own answers are 200s without the out-of-range calls", async () => {
      for (const timezone of ZONES) {
        const monthly = await get('aaaa', 'monthly', { timezone });
        assert.equal(monthly.status, 200, monthly.body.slice(0, 300));
        const data = JSON.parse(monthly.body).data as Record<string, { total: number }>;
        assert.equal(
          Object.values(data).reduce((s, b) => s + b.total, 0),
          2,
          `${timezone}: ${monthly.body.slice(0, 300)}`,
        );
        for (const w of ['weekly', 'daily', 'hourly']) {
          const r = await get('aaaa', w, { timezone });
          assert.equal(r.status, 200, `${w} ${timezone}: ${r.body.slice(0, 300)}`);
          const buckets = Object.values(JSON.parse(r.body).data as Record<string, { total: number }>);
          assert.deepEqual(
            buckets.map((b) => b.total),
            w === 'weekly' && timezone !== 'Pacific/Chatham' ? [2] : [1, 1], // Chatham's Sunday 11:45 and Monday 11:45
            `${w} ${timezone}`,
          );
        }
      }
      const csv = await get('aaaa', 'csv');
      assert.equal(csv.status, 200);
      assert.deepEqual(
        csv.body
          .split('\r\n')
          .slice(1, -1)
          .map((l) => l.split(',')[0]),
        ['a-ok-1', 'a-ok-2'],
      );
      const json = await get('aaaa', 'json');
      assert.equal(json.status, 200);
      assert.deepEqual(
        (JSON.parse(json.body).data as { call_id: string }[]).map((r) => r.call_id),
        ['a-ok-1', 'a-ok-2'],
      );
    });

    test('a filter reaching past the bounds is clamped to them, not computed over', async () => {
      const filters = [
        { name: 'call_time', op: 'ge', val: '1900-01-01T00:00:00Z' },
        { name: 'call_time', op: 'lt', val: '9999-12-31T00:00:00Z' },
      ];
      for (const w of ['monthly', 'hourly', 'csv']) {
        const r = await get('aaaa', w, { filters });
        assert.equal(r.status, 200, `${w}: ${r.body.slice(0, 300)}`);
        assert.ok(r.ms < 5_000, `${w} took ${r.ms} ms`);
      }
      const monthly = JSON.parse((await get('aaaa', 'monthly', { filters })).body).data as Record<string, { total: number }>;
      assert.deepEqual(
        Object.values(monthly).map((b) => b.total),
        [2],
      );
      const outside = [{ name: 'call_time', op: 'ge', val: '2100-01-01T00:00:00Z' }];
      for (const w of ['monthly', 'hourly', 'json']) {
        const r = await get('aaaa', w, { filters: outside });
        assert.equal(r.status, 200, `${w}: ${r.body.slice(0, 300)}`);
        assert.deepEqual(JSON.parse(r.body).data, w === 'json' ? [] : {});
      }
      assert.equal((await get('aaaa', 'csv', { filters: outside })).body.split('\r\n').length, 2);
    });
  });
