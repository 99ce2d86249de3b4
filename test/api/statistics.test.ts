import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.js';
import { kazooCdr } from '../helpers/cdrs.js';

// Kazoo's documented example: six calls on 04/03/2016 from 08:00 in Pacific/Auckland (+13:00).
const T0 = Date.UTC(2016, 2, 3, 19, 0, 0) / 1000; // 08:00:00 04/03/2016 NZDT
const DURATIONS = [5, 6, 6, 7, 11, 79];

describe('statistics API (SPEC 2.4)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
    const docs = DURATIONS.map((d, i) =>
      kazooCdr(`k${i}`, T0 + i * 300, { duration_seconds: String(d), billing_seconds: i === 0 ? '0' : String(d) }),
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/accounts/acc1/call_statistics/cdrs',
      headers: { 'x-auth-token': t.token, 'content-type': 'application/json' },
      payload: { data: docs },
    });
    assert.equal(res.json().data.accepted, 6);
  });
  after(() => t.close());
  const get = (path: string, q: unknown) =>
    t.app.inject({
      method: 'GET',
      url: `/v2/accounts/acc1/call_statistics/${path}?q=${encodeURIComponent(JSON.stringify(q))}`,
      headers: { 'x-auth-token': t.token },
    });

  test('the worked example: six calls from 5 to 79 seconds give median 6.5 and mean 19', async () => {
    const res = await get('hourly', { data: { filters: [], grouping: 'unanswered', timezone: 'Pacific/Auckland' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().data, {
      '08:00:00 04/03/2016': {
        total: 6,
        duration_seconds: { max: 79, min: 5, median: 6.5, mean: 19 },
        groups: {
          '0': { total: 5, duration_seconds: { max: 79, min: 6, median: 7, mean: 21.8 } },
          '1': { total: 1, duration_seconds: { max: 5, min: 5, median: 5, mean: 5 } },
        },
      },
    });
  });

  test('POST body and the bare object give the same answer; iso keys carry the offset', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/accounts/acc1/call_statistics/daily',
      headers: { 'x-auth-token': t.token, 'content-type': 'application/json' },
      payload: { timezone: 'Pacific/Auckland', time_format: 'iso', metrics: ['answered', 'asr', 'acd', 'percentiles', 'billing_seconds'] },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().data, {
      '2016-03-04T00:00:00+13:00': {
        total: 6,
        duration_seconds: { max: 79, min: 5, median: 6.5, mean: 19 },
        answered: 5,
        asr: 5 / 6,
        acd: 109 / 5,
        billing_seconds: { max: 79, min: 0, median: 6.5, mean: 109 / 6, sum: 109 },
        percentiles: { p90: 45, p95: 62, p99: 75.6 },
      },
    });
  });

  test('a bad period, bad JSON and an unknown operator are 400s naming the spot', async () => {
    const p = await get('yearly', {});
    assert.equal(p.statusCode, 400);
    assert.equal(p.json().error, '400');
    const j = await t.app.inject({
      method: 'GET',
      url: '/v2/accounts/acc1/call_statistics/daily?q=%7Bnope',
      headers: { 'x-auth-token': t.token },
    });
    assert.equal(j.statusCode, 400);
    assert.ok('q' in j.json().data.q);
    const op = await get('daily', {
      data: { filters: [{ name: 'call_direction', op: 'eq', val: 'inbound' }, { or: [{ name: 'unanswered', op: 'equalz', val: true }] }] },
    });
    assert.equal(op.statusCode, 400);
    assert.deepEqual(op.json().data, { q: { 'filters[1].or[0].op': "unknown operator 'equalz'" } });
  });

  test('csv streams RFC 4180 with the SPEC columns and neutralised formulas', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/v2/accounts/acc2/call_statistics/cdrs',
      headers: { 'x-auth-token': t.token, 'content-type': 'application/json' },
      payload: {
        data: [kazooCdr('x"1', T0, { caller_id_name: '=HYPERLINK("http://evil")', duration_seconds: '10', billing_seconds: '0' })],
      },
    });
    const res = await t.app.inject({
      method: 'GET',
      url: `/v2/accounts/acc2/call_statistics/csv?q=${encodeURIComponent(JSON.stringify({ timezone: 'Pacific/Auckland' }))}`,
      headers: { 'x-auth-token': t.token },
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.equal(res.headers['content-disposition'], 'attachment; filename="call_statistics.csv"');
    const lines = res.body.split('\r\n');
    assert.equal(
      lines[0],
      'call_id,call_time,call_direction,caller_id_name,caller_id_number,caller_zone_id,caller_region,callee_id_number,callee_zone_id,callee_region,duration_seconds,billing_seconds,ringing_seconds,unanswered,hangup_cause,' +
        'interaction_id,other_leg_call_id,bridge_id,resource_type,authorizing_type,authorizing_id,owner_id,hangup_code,disposition,media_server,reseller_id',
    );
    const zones = await t.store.listZones();
    const nz = zones.find((z) => z.prefix === '643412')!;
    assert.match(
      lines[1],
      new RegExp(
        `^"x""1",08:00:00 04/03/2016,outbound,"'=HYPERLINK\\(""http://evil""\\)",\\+6434123456,${nz.id},New Zealand Balclutha,\\+61412345678,\\d+,Australia Mobile,10,0,5,1,NORMAL_CLEARING,,,,,,,,,,,$`,
      ),
    );
    assert.equal(lines[2], '');
    assert.equal(lines.length, 3);
  });

  test('json pages with page_size and start_key', async () => {
    const first = (
      await t.app.inject({ method: 'GET', url: '/v2/accounts/acc1/call_statistics/json?page_size=4', headers: { 'x-auth-token': t.token } })
    ).json();
    assert.equal(first.page_size, 4);
    assert.deepEqual(
      first.data.map((r: { call_id: string }) => r.call_id),
      ['k0', 'k1', 'k2', 'k3'],
    );
    const second = (
      await t.app.inject({
        method: 'GET',
        url: `/v2/accounts/acc1/call_statistics/json?page_size=4&start_key=${first.next_start_key}`,
        headers: { 'x-auth-token': t.token },
      })
    ).json();
    assert.deepEqual(
      second.data.map((r: { call_id: string }) => r.call_id),
      ['k4', 'k5'],
    );
    assert.equal(second.next_start_key, undefined);
  });
});
