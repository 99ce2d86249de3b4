import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { testApp } from '../helpers/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import type { Call } from '../../src/core/call.js';
import { call as baseCall } from '../helpers/call.js';

const BASE = '/v2/accounts/acc1/call_statistics';
const call = (id: string, t: number): Call =>
  baseCall({
    account_id: 'wide',
    call_id: id,
    call_time: t,
    caller_id_number: '+6434123456',
    callee_id_number: '100',
    duration_seconds: 10,
    billing_seconds: 10,
  });

/** Asserts one error answer: status, the Kazoo envelope and the exact `data`. */
function assertError(res: LightMyRequestResponse, status: number, message: string, data: unknown): void {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json();
  assert.equal(body.error, String(status));
  assert.equal(body.status, 'error');
  assert.equal(body.message, message);
  assert.equal(typeof body.request_id, 'string');
  assert.deepEqual(body.data, data);
}

describe('every class of bad input is an exact 4xx Kazoo envelope (SPEC 2.1)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp({ CALLSTATS_RATE_LIMIT: '0' });
    // Two calls twelve years apart: hourly buckets over them exceed the bucket limit.
    await t.store.insertCalls([call('old', Date.UTC(2010, 0, 1) / 1000), call('new', Date.UTC(2022, 0, 1) / 1000)]);
  });
  after(() => t.close());
  const auth = () => ({ 'x-auth-token': t.token });
  const getRaw = (path: string, rawQ: string) =>
    t.app.inject({ method: 'GET', url: `${BASE}/${path}?q=${encodeURIComponent(rawQ)}`, headers: auth() });
  const get = (path: string, q: unknown) => getRaw(path, JSON.stringify(q));
  const filters = (...f: unknown[]) => ({ data: { filters: f } });
  const bad = (q: unknown, data: Record<string, string>) => async () =>
    assertError(await get('daily', q), 400, 'invalid query', { q: data });

  test('bad JSON in q names q and the parser complaint', async () => {
    let detail = '';
    try {
      JSON.parse('{"data": {');
    } catch (e) {
      detail = (e as Error).message;
    }
    assertError(await getRaw('daily', '{"data": {'), 400, 'invalid query', { q: { q: `invalid JSON: ${detail}` } });
  });
  test('q that is not an object', bad([1, 2], { q: 'expected a JSON object' }));
  test('data that is not an object', bad({ data: 'x' }, { data: 'expected a JSON object' }));
  test('filters that are not a list', bad({ filters: {} }, { filters: 'expected a list' }));
  test('unknown field', bad(filters({ name: 'nope', op: 'eq', val: 1 }), { 'filters[0].name': "unknown field 'nope'" }));
  test(
    'unknown key in an entry',
    bad(filters({ name: 'unanswered', op: 'eq', val: 1, value: 2 }), { 'filters[0].value': "unknown key 'value'" }),
  );
  test(
    'unknown operator (alias typo) deep in an or',
    bad(
      filters(
        { name: 'unanswered', op: 'eq', val: true },
        { name: 'call_direction', op: '==', val: 'inbound' },
        { or: [{ name: 'unanswered', op: 'equalz', val: true }] },
      ),
      { 'filters[2].or[0].op': "unknown operator 'equalz'" },
    ),
  );
  test('missing val', bad(filters({ name: 'caller_zone_id', op: 'eq' }), { 'filters[0].val': 'missing val' }));
  test('wrong val type', bad(filters({ name: 'caller_zone_id', op: 'eq', val: 'abc' }), { 'filters[0].val': 'expected an integer' }));
  test(
    'wrong enum value',
    bad(filters({ name: 'call_direction', op: 'eq', val: 'sideways' }), { 'filters[0].val': "expected 'inbound' or 'outbound'" }),
  );
  test(
    'null outside is_null',
    bad(filters({ name: 'hangup_cause', op: 'ne', val: null }), {
      'filters[0].val': 'null is only allowed through is_null or is_not_null',
    }),
  );
  test('has and any need relations', async () => {
    for (const op of ['has', 'any']) {
      assertError(await get('daily', filters({ name: 'hangup_cause', op, val: 'x' })), 400, 'invalid query', {
        q: { 'filters[0].op': `operator '${op}' needs a relation; there are no relations here` },
      });
    }
  });
  test(
    'operator that does not apply to the type',
    bad(filters({ name: 'unanswered', op: 'like', val: '%' }), {
      'filters[0].op': "operator 'like' does not apply to boolean field 'unanswered'",
    }),
  );
  test('in with a non-list', bad(filters({ name: 'caller_zone_id', op: 'in', val: 5 }), { 'filters[0].val': 'expected a list' }));
  test(
    'in with a bad item names the item',
    bad(filters({ name: 'caller_zone_id', op: 'in', val: [1, 'x'] }), { 'filters[0].val[1]': 'expected an integer' }),
  );
  test(
    'bad time value',
    bad(filters({ name: 'call_time', op: '>=', val: 'yesterday' }), {
      'filters[0].val':
        "not a time: expected 'HH:MM:SS DD/MM/YYYY' (day-first, CALLSTATS_DATE_ORDER=dmy) or ISO 8601 ('YYYY-MM-DDTHH:MM:SS[±HH:MM]'), got 'yesterday'",
    }),
  );
  test('bad timezone', bad({ timezone: 'Mars/Olympus_Mons' }, { timezone: "unknown time zone 'Mars/Olympus_Mons'" }));
  test('timezone of the wrong type', bad({ timezone: 5 }, { timezone: 'expected a time zone name' }));
  test('non-groupable grouping', async () => {
    const res = await get('daily', { grouping: 'call_time' });
    assertError(res, 400, 'invalid query', {
      q: {
        grouping:
          "field 'call_time' cannot be grouped by; groupable: call_direction, caller_zone_id, callee_zone_id, unanswered, hangup_cause, caller_country, callee_country, caller_region, callee_region, resource_type, authorizing_type, owner_id, hangup_code, disposition, media_server",
      },
    });
  });
  test('unknown grouping', bad({ grouping: 'nope' }, { grouping: "unknown field 'nope'" }));
  test('bad time_format', bad({ time_format: 'unix' }, { time_format: "expected 'kazoo' or 'iso'" }));
  test('bad week_start', bad({ week_start: 'friday' }, { week_start: "expected 'monday' or 'sunday'" }));
  test('metrics not a list', bad({ metrics: 'asr' }, { metrics: 'expected a list' }));
  test(
    'unknown metric',
    bad(
      { metrics: ['asr', 'mos'] },
      { 'metrics[1]': "unknown metric 'mos'; expected one of answered, asr, acd, billing_seconds, percentiles, calls" },
    ),
  );
  test('q given twice', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${BASE}/daily?q=%7B%7D&q=%7B%7D`, headers: auth() });
    assertError(res, 400, 'invalid query', { q: { q: 'given more than once' } });
  });

  test('bad period', async () => {
    assertError(await get('yearly', {}), 400, 'unknown period', { period: "expected one of hourly, daily, weekly, monthly, not 'yearly'" });
  });
  test('too many buckets: hourly over 12 years of data', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v2/accounts/wide/call_statistics/hourly', headers: auth() });
    assertError(res, 400, 'too many buckets', {
      q: { filters: 'the matching calls span more than 100000 hourly buckets; narrow call_time' },
    });
    const daily = await t.app.inject({ method: 'GET', url: '/v2/accounts/wide/call_statistics/daily', headers: auth() });
    assert.equal(daily.statusCode, 200);
  });
  test('bad page_size', async () => {
    for (const size of ['0', '10001', 'ten', '1.5', '', '-1']) {
      const res = await t.app.inject({ method: 'GET', url: `${BASE}/json?page_size=${size}`, headers: auth() });
      assertError(res, 400, 'invalid page_size', { page_size: 'a whole number from 1 to 10000' });
    }
  });
  test('bad start_key', async () => {
    for (const key of ['nonsense', 'WzEsMl0', 'x&start_key=y']) {
      const res = await t.app.inject({ method: 'GET', url: `${BASE}/json?start_key=${key}`, headers: auth() });
      assertError(res, 400, 'invalid start_key', { start_key: 'not a key returned by a previous page' });
    }
  });
  test('unknown country', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${BASE}/countries/Atlantis&Australia`, headers: auth() });
    assertError(res, 400, "unknown country 'Atlantis'", { country: 'Atlantis' });
  });
  test('a POST body that is not JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `${BASE}/daily`,
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: '{"filters": [',
    });
    assertError(res, 400, 'invalid JSON body', { body: 'invalid JSON' });
  });

  test('missing and invalid token are 401', async () => {
    assertError(await t.app.inject({ method: 'GET', url: `${BASE}/daily` }), 401, 'missing X-Auth-Token', { 'X-Auth-Token': 'required' });
    const res = await t.app.inject({ method: 'GET', url: `${BASE}/daily`, headers: { 'x-auth-token': 'nope' } });
    assertError(res, 401, 'invalid credentials', { 'X-Auth-Token': 'invalid or revoked' });
  });
  test('a key for another account is 403', async () => {
    const other = await createApiKey(t.store, 'someone-else');
    const res = await t.app.inject({ method: 'GET', url: `${BASE}/daily`, headers: { 'x-auth-token': other.token } });
    assertError(res, 403, 'forbidden', { account: 'this key may not access this account' });
  });
  test('unknown path is 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v2/accounts/acc1/call_stats/daily?q=1', headers: auth() });
    assertError(res, 404, 'not found', { path: '/v2/accounts/acc1/call_stats/daily' });
  });
  test('wrong method is 405 with Allow', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: `${BASE}/daily`, headers: auth() });
    assertError(res, 405, 'method not allowed', { method: 'DELETE', allowed: ['GET', 'POST'] });
    assert.equal(res.headers.allow, 'GET, POST');
  });
  test('body too large is 413', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `${BASE}/daily`,
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`,
    });
    assertError(res, 413, 'request body too large', { body: `more than ${2 * 1024 * 1024} bytes` });
  });
  test('unsupported media type is 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `${BASE}/daily`,
      headers: { ...auth(), 'content-type': 'application/xml' },
      payload: '<q/>',
    });
    assertError(res, 415, 'unsupported content type', { 'content-type': 'application/xml' });
    const cdrs = await t.app.inject({
      method: 'POST',
      url: `${BASE}/cdrs`,
      headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1',
    });
    assertError(cdrs, 415, 'unsupported content type', { 'content-type': 'application/x-www-form-urlencoded' });
  });
});

describe('rate limiting (SPEC 2.1: 429)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp({ CALLSTATS_RATE_LIMIT: '2' });
  });
  after(() => t.close());

  test('a key over its burst gets 429 with Retry-After; another key is unaffected', async () => {
    const url = `${BASE}/countries`;
    const codes: number[] = [];
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 6; i++) {
      last = await t.app.inject({ method: 'GET', url, headers: { 'x-auth-token': t.token } });
      codes.push(last.statusCode);
    }
    // Burst is twice the rate (4); the requests take far less than the half second a refill needs.
    assert.deepEqual(codes.slice(0, 4), [200, 200, 200, 200]);
    assert.equal(codes[5], 429);
    assertError(last!, 429, 'rate limited', { rate_limit: 'more than 2 requests per second; retry after 1 s' });
    assert.equal(last!.headers['retry-after'], '1');
    const other = await createApiKey(t.store, '*');
    assert.equal((await t.app.inject({ method: 'GET', url, headers: { 'x-auth-token': other.token } })).statusCode, 200);
  });

  test('requests without a key are limited per client address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await t.app.inject({ method: 'GET', url: '/nothing' })).statusCode);
    assert.deepEqual(codes.slice(0, 4), [404, 404, 404, 404]);
    assert.equal(codes[5], 429);
  });
});
