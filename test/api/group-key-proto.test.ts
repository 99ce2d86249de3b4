import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.js';
import { kazooCdr } from '../helpers/cdrs.js';

// A group key is text from the CDRs (a hangup cause, a caller name): `__proto__` is one like any
// other. Assigned to the answer's plain `groups` object it set the object's prototype instead, and
// those calls vanished from the answer (the bucket's total counted them, its groups did not).

const T0 = Date.UTC(2026, 2, 3, 10, 0, 0) / 1000;
const ACCOUNT = 'acct00000000000000000000000000a1';
let t: Awaited<ReturnType<typeof testApp>>;

before(async () => {
  t = await testApp();
  const causes = ['__proto__', 'NORMAL_CLEARING', '__proto__', 'constructor', 'toString', '__proto__'];
  const res = await t.app.inject({
    method: 'POST',
    url: `/v2/accounts/${ACCOUNT}/call_statistics/cdrs`,
    headers: { 'x-auth-token': t.token, 'content-type': 'application/json' },
    payload: { data: causes.map((c, i) => kazooCdr(`proto${i}`, T0 + i * 60, { hangup_cause: c })) },
  });
  assert.equal(res.json().data.accepted, 6);
});
after(() => t.close());

test('a group named __proto__ is in the answer, and the groups add up to the bucket', async () => {
  const q = { grouping: 'hangup_cause', timezone: 'UTC' };
  const res = await t.app.inject({
    url: `/v2/accounts/${ACCOUNT}/call_statistics/daily?q=${encodeURIComponent(JSON.stringify(q))}`,
    headers: { 'x-auth-token': t.token },
  });
  assert.equal(res.statusCode, 200, res.body);
  const data = res.json().data as Record<string, { total: number; groups: Record<string, { total: number }> }>;
  const [day] = Object.values(data);
  assert.equal(day.total, 6);
  assert.deepEqual(
    Object.entries(day.groups).map(([k, g]) => [k, g.total]),
    [
      ['NORMAL_CLEARING', 1],
      ['__proto__', 3],
      ['constructor', 1],
      ['toString', 1],
    ],
  );
  assert.ok(res.body.includes('"__proto__":{"total":3,'));
});
