/**
 * Kazoo's fields and query parameters over HTTP: the legs of test/fixtures/kazoo-legs.ts posted to
 * `.../cdrs` come back with their Kazoo fields in JSON and CSV records, `calls` counts interactions,
 * and crossbar's `created_from`/`created_to` (gregorian seconds) narrow statistics and records
 * together with `q`'s filters, or answer a 400 naming the parameter.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GREGORIAN_UNIX_OFFSET } from '../../src/core/call.js';
import { testApp } from '../helpers/app.js';
import { ACCOUNT, KAZOO_LEGS } from '../fixtures/kazoo-legs.js';

const g = (unix: number) => String(unix + GREGORIAN_UNIX_OFFSET);
// Call 1's legs start at 1557184198 and 1557184200; call 2's at 1557190800 and 1557190803.
const CALL_1 = `created_from=${g(1557184198)}&created_to=${g(1557184200)}`;

describe('Kazoo fields, calls and created_from/created_to over HTTP', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
    const res = await t.app.inject({
      method: 'POST',
      url: `/v2/accounts/${ACCOUNT}/call_statistics/cdrs`,
      headers: { 'x-auth-token': t.token, 'content-type': 'application/json' },
      payload: { data: KAZOO_LEGS },
    });
    assert.deepEqual([res.json().data.accepted, res.json().data.rejected], [4, []]);
  });
  after(() => t.close());
  const get = (path: string, q: unknown, extra = '') =>
    t.app.inject({
      method: 'GET',
      url: `/v2/accounts/${ACCOUNT}/call_statistics/${path}?q=${encodeURIComponent(JSON.stringify(q))}${extra ? `&${extra}` : ''}`,
      headers: { 'x-auth-token': t.token },
    });

  test('created_from/created_to select call 1: two legs, one call', async () => {
    const res = await get('monthly', { metrics: ['calls'] }, CALL_1);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().data, {
      '00:00:00 01/05/2019': { total: 2, calls: 1, duration_seconds: { max: 10, min: 7, median: 8.5, mean: 8.5 } },
    });
    const all = await get('monthly', { metrics: ['calls'] });
    assert.deepEqual([all.json().data['00:00:00 01/05/2019'].total, all.json().data['00:00:00 01/05/2019'].calls], [4, 2]);
  });

  test('created_from/created_to are ANDed with q: a filter on resource_type narrows further', async () => {
    const res = await get(
      'daily',
      { filters: [{ name: 'resource_type', op: 'eq', val: 'offnet-origination' }], metrics: ['calls'] },
      CALL_1,
    );
    assert.deepEqual(res.json().data, {
      '00:00:00 06/05/2019': { total: 1, calls: 1, duration_seconds: { max: 10, min: 10, median: 10, mean: 10 } },
    });
    const none = await get('daily', { filters: [{ name: 'resource_type', op: 'eq', val: 'offnet-termination' }] }, CALL_1);
    assert.deepEqual(none.json().data, {});
  });

  test('JSON records carry the Kazoo fields after the first release columns, in the CSV too', async () => {
    const res = await get('json', {}, `created_from=${g(1557184198)}&created_to=${g(1557184198)}`);
    assert.equal(res.statusCode, 200, res.body);
    const zone = (
      await t.app.inject({ method: 'GET', url: `/v2/accounts/${ACCOUNT}/call_statistics/json`, headers: { 'x-auth-token': t.token } })
    ).json().data[0];
    assert.deepEqual(res.json().data, [zone]);
    assert.deepEqual(Object.keys(zone).slice(15), [
      'interaction_id',
      'other_leg_call_id',
      'bridge_id',
      'resource_type',
      'authorizing_type',
      'authorizing_id',
      'owner_id',
      'hangup_code',
      'disposition',
      'media_server',
      'reseller_id',
    ]);
    assert.deepEqual(
      { ...zone, caller_zone_id: undefined, callee_zone_id: undefined, caller_region: undefined, callee_region: undefined },
      {
        call_id: 'SD80b4301-08cad0a2bb1f10205aba739d13258341-06a91u0',
        call_time: '23:09:58 06/05/2019',
        call_direction: 'inbound',
        caller_id_name: '15555678907',
        caller_id_number: '15555678907',
        caller_zone_id: undefined,
        caller_region: undefined,
        callee_id_number: '+15553451234',
        callee_zone_id: undefined,
        callee_region: undefined,
        duration_seconds: 10,
        billing_seconds: 7,
        ringing_seconds: 3,
        unanswered: 0,
        hangup_cause: 'NORMAL_CLEARING',
        interaction_id: '63724403398-af5b9a0e',
        other_leg_call_id: 'b1-7e1d1f0c6a',
        bridge_id: 'SD80b4301-08cad0a2bb1f10205aba739d13258341-06a91u0',
        resource_type: 'offnet-origination',
        authorizing_type: null,
        authorizing_id: null,
        owner_id: null,
        hangup_code: 'sip:200',
        disposition: 'ANSWER',
        media_server: 'apps.2600hz.local',
        reseller_id: 'd240bf3a1937301cee910193a54ba0d2',
      },
    );
    const csv = await get('csv', {}, CALL_1);
    const lines = csv.body.split('\r\n');
    assert.equal(lines.length, 4);
    assert.match(
      lines[0],
      /,hangup_cause,interaction_id,other_leg_call_id,bridge_id,resource_type,authorizing_type,authorizing_id,owner_id,hangup_code,disposition,media_server,reseller_id$/,
    );
    assert.match(
      lines[1],
      /,NORMAL_CLEARING,63724403398-af5b9a0e,b1-7e1d1f0c6a,SD80b4301-08cad0a2bb1f10205aba739d13258341-06a91u0,offnet-origination,,,,sip:200,ANSWER,apps\.2600hz\.local,d240bf3a1937301cee910193a54ba0d2$/,
    );
  });

  test('a bad created_from or created_to is a 400 that names the parameter', async () => {
    const cases: [string, Record<string, string>][] = [
      ['created_from=abc', { created_from: "gregorian seconds (Kazoo's timestamps, Unix seconds + 62167219200), not 'abc'" }],
      ['created_to=1557184198', { created_to: 'gregorian seconds from 62167219200 (1970) to 66269663999 (2099); Unix seconds?' }],
      [`created_from=${g(1557184200)}&created_to=${g(1557184198)}`, { created_from: 'later than created_to' }],
      [`created_from=${g(1)}&created_from=${g(2)}`, { created_from: 'given more than once' }],
    ];
    for (const [qs, data] of cases) {
      for (const path of ['daily', 'json', 'csv']) {
        const res = await get(path, {}, qs);
        assert.equal(res.statusCode, 400, `${path}?${qs}`);
        const body = res.json();
        assert.deepEqual([body.error, body.status, body.data], ['400', 'error', data], `${path}?${qs}`);
      }
    }
  });
});
