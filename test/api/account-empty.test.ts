import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.js';
import { kazooCdr } from '../helpers/cdrs.js';

/** A statistics answer of `{}` says whether the account has no calls at all (a typo'd id) or only none that match. */

const T0 = Date.UTC(2026, 0, 10, 9, 0, 0) / 1000;
const ACCOUNT = 'f00d0000000000000000000000000001';

describe('statistics for an account without calls', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
    const ins = await t.app.inject({
      method: 'POST',
      url: `/v2/accounts/${ACCOUNT}/call_statistics/cdrs`,
      headers: { 'x-auth-token': t.token, 'content-type': 'application/json' },
      payload: { data: [kazooCdr('e1', T0), kazooCdr('e2', T0 + 60)] },
    });
    assert.equal(ins.json().data.accepted, 2);
  });
  after(() => t.close());

  const get = (account: string, q?: unknown) =>
    t.app.inject({
      url: `/v2/accounts/${account}/call_statistics/daily${q ? `?q=${encodeURIComponent(JSON.stringify(q))}` : ''}`,
      headers: { 'x-auth-token': t.token },
    });

  test('an account with no calls stored: 200, data {}, and account_empty: true', async () => {
    const r = await get('f00d0000000000000000000000000002');
    assert.equal(r.statusCode, 200);
    const body = r.json();
    assert.deepEqual(body.data, {});
    assert.equal(body.account_empty, true);
  });

  test('an account with calls, none matching: data {} and no account_empty', async () => {
    const r = await get(ACCOUNT, { filters: [{ name: 'call_direction', op: 'eq', val: 'inbound' }] });
    assert.equal(r.statusCode, 200);
    const body = r.json();
    assert.deepEqual(body.data, {});
    assert.equal('account_empty' in body, false);
  });

  test('an account with matching calls: its buckets, no account_empty', async () => {
    const body = (await get(ACCOUNT)).json();
    assert.deepEqual(Object.keys(body.data), ['00:00:00 10/01/2026']);
    assert.equal('account_empty' in body, false);
  });
});
