import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey, createWebhookToken } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { Metrics } from '../../src/core/metrics.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { freshStore } from '../helpers/store.js';

const ACCOUNT = 'acct00000000000000000000000000a1';
const A = `/v2/accounts/${ACCOUNT}/call_statistics`;
const T0 = Date.UTC(2026, 0, 5, 9) / 1000;

/** The value of one sample of the exposition text, e.g. `callstats_http_requests_total{route="…",…}`; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const inner = line.slice(name.length).match(/^\{(.*)\}/)?.[1] ?? '';
    const have = inner === '' ? [] : inner.split(/,(?=[a-z_]+=")/);
    if (want.length === have.length && want.every((w) => have.includes(w))) return Number(line.split(' ').pop());
  }
  return 0;
}

describe('GET /metrics counts exactly what the server was sent', () => {
  let app: FastifyInstance;
  let fresh: Awaited<ReturnType<typeof freshStore>>;
  let key: string;
  let hook: string;
  let text: string;
  before(async () => {
    fresh = await freshStore();
    const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' });
    app = await buildApp({ store: fresh.store, zones: fresh.zones, config }, { metrics: new Metrics() });
    key = (await createApiKey(fresh.store, '*', 'metrics test')).token;
    hook = (await createWebhookToken(fresh.store, ACCOUNT)).token;
    const headers = { 'x-auth-token': key };
    const json = { ...headers, 'content-type': 'application/json' };
    for (let i = 0; i < 2; i++) assert.equal((await app.inject({ url: `${A}/countries`, headers })).statusCode, 200);
    assert.equal((await app.inject({ url: `${A}/countries` })).statusCode, 401);
    assert.equal((await app.inject({ url: '/no/such/path/secret-in-url' })).statusCode, 404);
    const three = [kazooCdr('m1', T0), kazooCdr('m2', T0 + 60), kazooCdr('m3', T0 + 120)];
    const first = await app.inject({ method: 'POST', url: `${A}/cdrs`, headers: json, payload: { data: three } });
    assert.deepEqual([first.json().data.accepted, first.json().data.duplicates], [3, 0]);
    // The same three again and one without a call_id: 3 duplicates, 1 rejected.
    const again = [...three, { ...kazooCdr('x', T0), call_id: undefined }];
    const second = await app.inject({ method: 'POST', url: `${A}/cdrs`, headers: json, payload: { data: again } });
    assert.deepEqual([second.json().data.accepted, second.json().data.duplicates, second.json().data.rejected_count], [0, 3, 1]);
    const url = `/v2/webhooks/${hook}/channel_destroy`;
    for (const id of ['w1', 'w1']) {
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: kazooCdr(id, T0) });
      assert.equal(res.statusCode, 200, res.body);
    }
    const res = await app.inject({ url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    text = res.body;
  });
  after(async () => {
    await app.close();
    await fresh.cleanup();
  });

  test('callstats_http_requests_total by route pattern, method and status', () => {
    const countries = '/v2/accounts/:account/call_statistics/countries';
    assert.equal(sample(text, 'callstats_http_requests_total', { route: countries, method: 'GET', status: '200' }), 2);
    assert.equal(sample(text, 'callstats_http_requests_total', { route: countries, method: 'GET', status: '401' }), 1);
    assert.equal(sample(text, 'callstats_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' }), 1);
    const cdrs = '/v2/accounts/:account/call_statistics/cdrs';
    assert.equal(sample(text, 'callstats_http_requests_total', { route: cdrs, method: 'POST', status: '200' }), 2);
    const webhook = '/v2/webhooks/:token/channel_destroy';
    assert.equal(sample(text, 'callstats_http_requests_total', { route: webhook, method: 'POST', status: '200' }), 2);
    assert.equal(sample(text, 'callstats_http_request_duration_seconds_count', { route: countries }), 3);
  });

  test('the webhook token, the API key and raw URLs never appear', () => {
    assert.ok(!text.includes(hook.split('.')[0]), 'webhook token id');
    assert.ok(!text.includes(hook), 'webhook token');
    assert.ok(!text.includes(key.split('.')[1]), 'API key secret');
    assert.ok(!text.includes('secret-in-url'));
    assert.ok(!text.includes(ACCOUNT));
  });

  test('callstats_ingest_records_total by outcome and source, from the ingest answers', () => {
    const ingest = (outcome: string, source: string) => sample(text, 'callstats_ingest_records_total', { outcome, source });
    assert.deepEqual(
      ['accepted', 'duplicate', 'rejected', 'skipped'].map((o) => ingest(o, 'http')),
      [3, 3, 1, 0],
    );
    assert.deepEqual(
      ['accepted', 'duplicate', 'rejected', 'skipped'].map((o) => ingest(o, 'webhook')),
      [1, 1, 0, 0],
    );
  });

  test('callstats_store_query_duration_seconds times each store call (one insertCalls per ingest request)', () => {
    assert.equal(sample(text, 'callstats_store_query_duration_seconds_count', { operation: 'insertCalls', outcome: 'ok' }), 4);
    // Four requests showed a key (two countries, two ingests), two a webhook token.
    assert.equal(sample(text, 'callstats_store_query_duration_seconds_count', { operation: 'getKey', outcome: 'ok' }), 4);
    assert.equal(sample(text, 'callstats_store_query_duration_seconds_count', { operation: 'getWebhookToken', outcome: 'ok' }), 2);
  });

  test('compaction counters start at zero, and the process defaults are there', () => {
    assert.equal(sample(text, 'callstats_compaction_runs_total', { outcome: 'ok' }), 0);
    assert.equal(sample(text, 'callstats_compaction_runs_total', { outcome: 'failed' }), 0);
    assert.equal(sample(text, 'callstats_compaction_last_success_timestamp_seconds'), 0);
    assert.match(text, /^# TYPE callstats_compaction_duration_seconds histogram$/m);
    assert.match(text, /^process_cpu_user_seconds_total \d/m);
    assert.match(text, /^process_resident_memory_bytes \d/m);
    assert.match(text, /^nodejs_heap_size_used_bytes \d/m);
  });
});

describe('CALLSTATS_METRICS_TOKEN protects /metrics with a bearer token; /healthz and /readyz stay open', () => {
  test('no token 401, a wrong one 401, the right one 200; no API key is needed or accepted instead', async () => {
    const fresh = await freshStore();
    const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_METRICS_TOKEN: 'scrape-secret-42' });
    const app = await buildApp({ store: fresh.store, zones: fresh.zones, config });
    try {
      const key = (await createApiKey(fresh.store, '*')).token;
      const none = await app.inject({ url: '/metrics' });
      assert.equal(none.statusCode, 401);
      assert.equal(none.json().error, '401');
      assert.equal(none.headers['www-authenticate'], 'Bearer realm="callstats metrics"');
      assert.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-secret-4' } })).statusCode, 401);
      assert.equal((await app.inject({ url: '/metrics', headers: { 'x-auth-token': key } })).statusCode, 401);
      const ok = await app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-secret-42' } });
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /^# HELP callstats_http_requests_total /m);
      assert.ok(!ok.body.includes('scrape-secret'));
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
      assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
    } finally {
      await app.close();
      await fresh.cleanup();
    }
  });
});

test('callstats_compaction_*: runs by outcome, the time of those that committed, and when the last one did', async () => {
  const metrics = new Metrics({ defaults: false });
  const start = Math.floor(Date.now() / 1000);
  metrics.compacted(2.5);
  metrics.compacted(undefined);
  const text = await metrics.text();
  assert.equal(sample(text, 'callstats_compaction_runs_total', { outcome: 'ok' }), 1);
  assert.equal(sample(text, 'callstats_compaction_runs_total', { outcome: 'failed' }), 1);
  assert.equal(sample(text, 'callstats_compaction_duration_seconds_count'), 1);
  assert.equal(sample(text, 'callstats_compaction_duration_seconds_sum'), 2.5);
  const last = sample(text, 'callstats_compaction_last_success_timestamp_seconds');
  assert.ok(last >= start && last <= start + 5, String(last));
});
