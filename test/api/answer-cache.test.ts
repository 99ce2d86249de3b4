import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey, createWebhookToken } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { AnswerCache, answerCacheBytes } from '../../src/report/answer-cache.js';
import { freshStore } from '../helpers/store.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { call } from '../helpers/call.js';

// 2016-03-04 08:00 UTC; every cached question below asks about that UTC day.
const T0 = Date.UTC(2016, 2, 4, 8, 0, 0) / 1000;
const DAY = { from: '00:00:00 04/03/2016', to: '00:00:00 05/03/2016' };

/** An app whose store writes all report to `cache` (as `serve` wires it). */
async function cachedApp(bytes: number) {
  const fresh = await freshStore();
  const cache = new AnswerCache(bytes);
  const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' });
  const app = await buildApp({ store: fresh.store, zones: fresh.zones, config, answerCache: cache });
  const { token } = await createApiKey(fresh.store, '*', 'test admin');
  return { app, cache, token, fresh };
}

const query = (extra: Record<string, unknown> = {}) =>
  encodeURIComponent(
    JSON.stringify({
      filters: [
        { name: 'call_time', op: '>=', val: DAY.from },
        { name: 'call_time', op: '<', val: DAY.to },
      ],
      grouping: 'unanswered',
      ...extra,
    }),
  );

describe('answer cache (docs/api.md, "Answer cache")', () => {
  let app: FastifyInstance;
  let cache: AnswerCache;
  let token: string;
  let fresh: Awaited<ReturnType<typeof freshStore>>;
  before(async () => {
    ({ app, cache, token, fresh } = await cachedApp(8 * 1024 * 1024));
  });
  after(async () => {
    await app.close();
    await fresh.cleanup();
  });
  const ask = (account: string, headers: Record<string, string> = {}, period = 'hourly') =>
    app.inject({
      url: `/v2/accounts/${account}/call_statistics/${period}?q=${query()}`,
      headers: { 'x-auth-token': token, ...headers },
    });
  const total = async (account: string) => {
    const r = await ask(account);
    assert.equal(r.statusCode, 200, r.body);
    return {
      total: Object.values(r.json().data as Record<string, { total: number }>).reduce((n, b) => n + b.total, 0),
      how: r.headers['x-callstats-cache'],
    };
  };
  const ingest = (account: string, cdrs: Record<string, unknown>[]) =>
    app.inject({
      method: 'POST',
      url: `/v2/accounts/${account}/call_statistics/cdrs`,
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      payload: JSON.stringify({ data: cdrs }),
    });

  test('a hit returns the same bytes as a fresh answer (but its own request_id) and counts as a hit', async () => {
    assert.equal((await ingest('acctA', [kazooCdr('a1', T0), kazooCdr('a2', T0 + 3600, { duration_seconds: '0' })])).statusCode, 200);
    const miss = await ask('acctA');
    assert.equal(miss.headers['x-callstats-cache'], 'miss');
    const hitsBefore = cache.stats.hits;
    const hit = await ask('acctA');
    const bypass = await ask('acctA', { 'cache-control': 'no-cache' });
    assert.equal(hit.headers['x-callstats-cache'], 'hit');
    assert.equal(bypass.headers['x-callstats-cache'], 'bypass');
    assert.equal(cache.stats.hits, hitsBefore + 1);
    const withoutId = (body: string) => body.replace(/"request_id":"[0-9a-f]+"/, '"request_id":"-"');
    assert.equal(withoutId(hit.body), withoutId(bypass.body));
    assert.equal(hit.headers['content-type'], bypass.headers['content-type']);
    assert.notEqual(hit.json().request_id, bypass.json().request_id);
    assert.deepEqual(Object.keys(hit.json()), ['data', 'status', 'request_id', 'revision', 'auth_token']);
    assert.equal(hit.json().auth_token, token);
    assert.deepEqual(Object.keys(hit.json().data), ['08:00:00 04/03/2016', '09:00:00 04/03/2016']);
  });

  test('an HTTP ingest inside the range makes the next answer include the new call', async () => {
    assert.equal((await total('acctA')).total, 2);
    assert.equal((await total('acctA')).how, 'hit');
    await ingest('acctA', [kazooCdr('a3', T0 + 7200)]);
    assert.deepEqual(await total('acctA'), { total: 3, how: 'miss' });
  });

  test('a webhook ingest inside the range makes the next answer include the new call', async () => {
    assert.equal((await total('acctA')).how, 'hit');
    const hook = await createWebhookToken(app.ctx.store, 'acctA');
    const r = await app.inject({
      method: 'POST',
      url: `/v2/webhooks/${hook.token}/channel_destroy`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ...kazooCdr('a4', T0 + 60), hook_event: 'channel_destroy' }),
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(await total('acctA'), { total: 4, how: 'miss' });
  });

  test('an ingest into another account or outside the range keeps the entry', async () => {
    assert.equal((await total('acctA')).how, 'hit');
    const hits = cache.stats.hits;
    await ingest('acctB', [kazooCdr('b1', T0)]);
    await ingest('acctA', [kazooCdr('a5', T0 + 86400 * 3)]);
    assert.deepEqual(await total('acctA'), { total: 4, how: 'hit' });
    assert.equal(cache.stats.hits, hits + 1);
  });

  test("prune of the entry's range drops it; a dry run keeps it", async () => {
    assert.equal((await total('acctA')).how, 'hit');
    await app.ctx.store.prune!(T0 + 1, 'acctA', true);
    assert.deepEqual(await total('acctA'), { total: 4, how: 'hit' });
    await app.ctx.store.prune!(T0 + 1, 'acctA');
    assert.deepEqual(await total('acctA'), { total: 3, how: 'miss' });
  });

  test('re-zoning, zone imports and parent links drop every entry', async () => {
    for (const write of [
      () => app.ctx.store.applyZones('caller_id_number', [{ number: '+6434123456', zone_id: null }]),
      () => app.ctx.store.saveZones([]),
      () => app.ctx.store.addAccountParent({ account_id: 'acctA', parent_id: 'acctP', created_at: 1 }),
    ]) {
      assert.equal((await total('acctA')).how, 'hit');
      await write();
      assert.deepEqual(await total('acctA'), { total: 3, how: 'miss' });
    }
  });

  test('an account with no calls at all is cached with account_empty, and its first call drops it', async () => {
    const first = await ask('acctNew');
    assert.equal(first.json().account_empty, true);
    assert.equal((await ask('acctNew')).headers['x-callstats-cache'], 'hit');
    // Outside the asked day: the answer stays empty, but the account is no longer.
    await ingest('acctNew', [kazooCdr('n1', T0 + 86400 * 30)]);
    const after = await ask('acctNew');
    assert.equal(after.headers['x-callstats-cache'], 'miss');
    assert.deepEqual(after.json().data, {});
    assert.equal(after.json().account_empty, undefined);
  });

  test('concurrent ingest and queries: no answer misses a call acknowledged before it was asked', async () => {
    let acked = 0;
    let writing = true;
    const failures: string[] = [];
    const writer = (async () => {
      try {
        for (let i = 0; i < 40; i++) {
          const r = await ingest('acctRace', [kazooCdr(`r${i}`, T0 + i * 60)]);
          assert.equal(r.statusCode, 200, r.body);
          acked = i + 1;
        }
      } finally {
        writing = false;
      }
    })();
    const reader = async () => {
      while (writing) {
        // :TRICKY: a hit through inject never leaves the microtask queue; without a turn of the
        // event loop the writer's engine callbacks would never run.
        await new Promise(setImmediate);
        const before = acked;
        const r = await ask('acctRace');
        assert.equal(r.statusCode, 200, r.body);
        const n = Object.values(r.json().data as Record<string, { total: number }>).reduce((s, b) => s + b.total, 0);
        if (n < before) failures.push(`answer had ${n} calls after ${before} were acknowledged (${r.headers['x-callstats-cache']})`);
      }
    };
    await Promise.all([writer, reader(), reader(), reader()]);
    assert.deepEqual(failures, []);
    assert.equal((await total('acctRace')).total, 40);
  });
});

describe('answer cache bounds', () => {
  test('evicts the least recently used answer to stay within its bytes', async () => {
    const sizes: number[] = [];
    const probe = await cachedApp(64 * 1024 * 1024);
    await probe.app.ctx.store.insertCalls([call({ account_id: 'acctE', call_id: 'e1', call_time: T0 })]);
    for (const period of ['hourly', 'daily']) {
      const before = probe.cache.stats.bytes;
      const r = await probe.app.inject({
        url: `/v2/accounts/acctE/call_statistics/${period}?q=${query()}`,
        headers: { 'x-auth-token': probe.token },
      });
      assert.equal(r.statusCode, 200);
      sizes.push(probe.cache.stats.bytes - before);
    }
    await probe.app.close();
    await probe.fresh.cleanup();
    // Room for either answer, not for both.
    const { app, cache, token, fresh } = await cachedApp(Math.max(...sizes) + Math.floor(Math.min(...sizes) / 2));
    try {
      await app.ctx.store.insertCalls([call({ account_id: 'acctE', call_id: 'e1', call_time: T0 })]);
      const ask = (period: string) =>
        app.inject({ url: `/v2/accounts/acctE/call_statistics/${period}?q=${query()}`, headers: { 'x-auth-token': token } });
      assert.equal((await ask('hourly')).headers['x-callstats-cache'], 'miss');
      assert.equal((await ask('hourly')).headers['x-callstats-cache'], 'hit');
      assert.equal((await ask('daily')).headers['x-callstats-cache'], 'miss');
      assert.equal(cache.stats.evictions, 1);
      assert.equal(cache.stats.entries, 1);
      assert.ok(cache.stats.bytes <= cache.maxBytes);
      assert.equal((await ask('daily')).headers['x-callstats-cache'], 'hit');
      assert.equal((await ask('hourly')).headers['x-callstats-cache'], 'miss');
    } finally {
      await app.close();
      await fresh.cleanup();
    }
  });

  test('0 bytes disables it: every answer is computed, no cache header, nothing held', async () => {
    const { app, cache, token, fresh } = await cachedApp(0);
    try {
      await app.ctx.store.insertCalls([call({ account_id: 'acctZ', call_id: 'z1', call_time: T0 })]);
      for (let i = 0; i < 2; i++) {
        const r = await app.inject({ url: `/v2/accounts/acctZ/call_statistics/hourly?q=${query()}`, headers: { 'x-auth-token': token } });
        assert.equal(r.statusCode, 200);
        assert.equal(r.headers['x-callstats-cache'], undefined);
        assert.equal(r.json().data['08:00:00 04/03/2016'].total, 1);
      }
      assert.deepEqual(cache.stats, { hits: 0, misses: 0, evictions: 0, bytes: 0, entries: 0 });
    } finally {
      await app.close();
      await fresh.cleanup();
    }
  });

  test('/metrics shows the hits, misses, evictions and bytes the cache counted', async () => {
    const { app, cache, token, fresh } = await cachedApp(1 << 20);
    try {
      const ask = () => app.inject({ url: `/v2/accounts/acctM/call_statistics/hourly?q=${query()}`, headers: { 'x-auth-token': token } });
      await ask();
      await ask();
      await ask();
      const text = (await app.inject({ url: '/metrics' })).body;
      assert.match(text, /^callstats_answer_cache_hits_total 2$/m);
      assert.match(text, /^callstats_answer_cache_misses_total 1$/m);
      assert.match(text, /^callstats_answer_cache_evictions_total 0$/m);
      assert.match(text, new RegExp(`^callstats_answer_cache_bytes ${cache.stats.bytes}$`, 'm'));
      assert.ok(cache.stats.bytes > 0);
    } finally {
      await app.close();
      await fresh.cleanup();
    }
  });

  test('CALLSTATS_ANSWER_CACHE_MB: unset is 64 MB for a single-writer store and off on a ClickHouse server; 0 is off', () => {
    assert.equal(answerCacheBytes(loadConfig({}).answerCacheMb, true), 64 * 1024 * 1024);
    assert.equal(answerCacheBytes(loadConfig({}).answerCacheMb, false), 0);
    assert.equal(answerCacheBytes(loadConfig({ CALLSTATS_ANSWER_CACHE_MB: '8' }).answerCacheMb, false), 8 * 1024 * 1024);
    assert.equal(answerCacheBytes(loadConfig({ CALLSTATS_ANSWER_CACHE_MB: '0' }).answerCacheMb, true), 0);
    assert.throws(() => loadConfig({ CALLSTATS_ANSWER_CACHE_MB: 'lots' }), /CALLSTATS_ANSWER_CACHE_MB must be a number of megabytes/);
  });

  test('an answer computed while an overlapping write committed is not stored', () => {
    const c = new AnswerCache(1 << 20);
    const answer = { data: '{}', revision: 'r', accountEmpty: false };
    const ticket = c.begin();
    c.invalidate({ accounts: ['a'], from: 10, to: 10 });
    c.put('k', { account: 'a', from: 0, to: 100 }, answer, ticket);
    assert.equal(c.get('k'), undefined);
    const later = c.begin();
    c.invalidate({ accounts: ['b'], from: 10, to: 10 });
    c.invalidate({ accounts: ['a'], from: 200, to: 300 });
    c.put('k', { account: 'a', from: 0, to: 100 }, answer, later);
    assert.deepEqual(c.get('k'), answer);
  });
});

test('answers are held as their real bytes: a large answer fits a cache smaller than twice its text, and every character comes back', () => {
  // 100k characters of answer-shaped JSON with non-ASCII names: the old count (two bytes a
  // character) made it 200 KB and refused it in a 64 KiB cache.
  const rows = Array.from(
    { length: 1600 },
    (_, k) => `"${String(k % 24).padStart(2, '0')}:00:00 0${1 + (k % 9)}/04/2025":{"total":${k},"name":"Zoë ☎ 𝄞"}`,
  );
  const answer = { data: `{${rows.join(',')}}`, revision: 'r', accountEmpty: false };
  assert.ok(answer.data.length > 64 * 1024, String(answer.data.length));
  const c = new AnswerCache(64 * 1024);
  c.put('big', { account: 'a', from: 0, to: 100 }, answer, c.begin());
  assert.deepEqual(c.get('big'), answer);
  assert.ok(c.stats.bytes < answer.data.length, `${c.stats.bytes} bytes counted`);
  const small = { data: '{"x":"é☎"}', revision: 's', accountEmpty: true };
  c.put('small', { account: 'a', from: 0, to: 100 }, small, c.begin());
  assert.deepEqual(c.get('small'), small);
  assert.equal(c.stats.entries, 2);
});
