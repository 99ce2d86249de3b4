import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { allFields } from '../../src/query/fields.js';
import type { Call } from '../../src/core/call.js';
import { call as baseCall } from '../helpers/call.js';

const NASTY = [
  "'; DROP TABLE calls; --",
  '" OR 1=1 --',
  "' OR '1'='1",
  'back\\slash\\',
  "\\'; SELECT 1; --",
  '$1',
  '?',
  '$$; DROP TABLE calls; $$',
  '‘ʼ’ OR 1=1 “”',
  '%',
  '_',
];
const TEXT_FIELDS = allFields()
  .filter((f) => f.type === 'text')
  .map((f) => f.name);

const call = (i: number, name: string): Call =>
  baseCall({
    account_id: 'acc1',
    call_id: `n${i}`,
    call_time: 1_700_000_000 + i * 60,
    call_direction: 'outbound',
    caller_id_name: name,
    caller_id_number: name,
    callee_id_number: '+61412345678',
    duration_seconds: 10 + i,
    billing_seconds: 10,
    ringing_seconds: 1,
    hangup_cause: name,
  });

describe('SQL-looking input is inert (STYLE 2: values are parameters, identifiers come from the registry)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp({ CALLSTATS_RATE_LIMIT: '0' });
    await t.store.insertCalls(NASTY.map((v, i) => call(i, v)));
  });
  after(() => t.close());
  const total = async (q: unknown) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v2/accounts/acc1/call_statistics/monthly?q=${encodeURIComponent(JSON.stringify(q))}`,
      headers: { 'x-auth-token': t.token },
    });
    assert.equal(res.statusCode, 200, res.body);
    return Object.values(res.json().data as Record<string, { total: number }>).reduce((s, b) => s + b.total, 0);
  };

  test('every text field matches SQL-looking values literally, or not at all', async () => {
    // The stored value of each text field per call (zone fields are null: these numbers get no zone here).
    const valueOf = (field: string, i: number): string | null =>
      ['caller_id_name', 'caller_id_number', 'hangup_cause'].includes(field)
        ? NASTY[i]
        : field === 'callee_id_number'
          ? '+61412345678'
          : null;
    const count = (pred: (v: string) => boolean, field: string) =>
      NASTY.filter((_, i) => valueOf(field, i) !== null && pred(valueOf(field, i)!)).length;
    for (const field of TEXT_FIELDS) {
      for (const val of NASTY) {
        const want = count((v) => v === val, field);
        assert.equal(await total({ filters: [{ name: field, op: 'eq', val }] }), want, `${field} == ${val}`);
        assert.equal(await total({ filters: [{ name: field, op: 'in', val: [val, `${val}x`] }] }), want, `${field} in ${val}`);
        assert.equal(
          await total({ filters: [{ name: field, op: '!=', val }] }),
          count((v) => v !== val, field),
          `${field} != ${val}`,
        );
      }
    }
    // LIKE: the value is a pattern, still a parameter; quotes and dollars match themselves.
    assert.equal(await total({ filters: [{ name: 'caller_id_name', op: 'like', val: "'; DROP%" }] }), 1);
    assert.equal(await total({ filters: [{ name: 'caller_id_name', op: 'ilike', val: '%or 1=1%' }] }), 2);
    assert.equal(await total({ filters: [{ name: 'caller_id_name', op: 'like', val: '\\%' }] }), 1);
    assert.equal(await total({}), NASTY.length, 'the calls table is intact');
    assert.equal(await t.store.countCalls(), NASTY.length);
  });

  test('the CSV and JSON exports carry the values unchanged', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v2/accounts/acc1/call_statistics/json?page_size=100',
      headers: { 'x-auth-token': t.token },
    });
    assert.deepEqual(
      res.json().data.map((r: { caller_id_name: string }) => r.caller_id_name),
      NASTY,
    );
  });

  test('SQL-looking field, grouping and period names are 400s', async () => {
    const get = (path: string, q: unknown) =>
      t.app.inject({
        method: 'GET',
        url: `/v2/accounts/acc1/call_statistics/${path}?q=${encodeURIComponent(JSON.stringify(q))}`,
        headers: { 'x-auth-token': t.token },
      });
    for (const name of ['call_time; DROP TABLE calls', 'caller_id_name" OR 1=1 --', '1=1', 'c.account_id', 'account_id']) {
      const f = await get('daily', { filters: [{ name, op: 'eq', val: 'x' }] });
      assert.equal(f.statusCode, 400, name);
      assert.deepEqual(f.json().data, { q: { 'filters[0].name': `unknown field '${name}'` } });
      const other = await get('daily', { filters: [{ name: 'caller_id_name', op: 'eq', field: name }] });
      assert.equal(other.statusCode, 400, name);
      const g = await get('daily', { grouping: name });
      assert.equal(g.statusCode, 400, name);
      assert.deepEqual(g.json().data, { q: { grouping: `unknown field '${name}'` } });
    }
    for (const period of ["daily'; DROP TABLE calls; --", 'hour) OR (1=1']) {
      const p = await get(encodeURIComponent(period), {});
      assert.equal(p.statusCode, 400, period);
      assert.equal(p.json().message, 'unknown period');
    }
    for (const op of ['= 1 OR 1=1 --', "eq'"]) {
      const o = await get('daily', { filters: [{ name: 'caller_id_name', op, val: 'x' }] });
      assert.equal(o.statusCode, 400, op);
    }
    assert.equal(await t.store.countCalls(), NASTY.length);
  });

  test('an account id with SQL in it is a 400 naming account_id (or a 404), never a 500', async () => {
    const scoped = await createApiKey(t.store, 'acc1');
    for (const token of [t.token, scoped.token]) {
      for (const account of ["acc1' OR '1'='1", 'acc1; DROP TABLE calls', '%27%20OR%201%3D1', '*', '..%2F..%2Fetc']) {
        for (const path of ['daily', 'csv', 'json', 'countries']) {
          const res = await t.app.inject({
            method: 'GET',
            url: `/v2/accounts/${encodeURIComponent(account)}/call_statistics/${path}`,
            headers: { 'x-auth-token': token },
          });
          assert.ok(res.statusCode === 400 || res.statusCode === 404, `${account} ${path}: ${res.statusCode}`);
          if (res.statusCode === 400) assert.deepEqual(Object.keys(res.json().data), ['account_id']);
        }
      }
    }
    assert.equal(await t.store.countCalls(), NASTY.length);
  });
});
