import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey, createWebhookToken } from '../../src/accounts/tokens.js';
import { testApp } from '../helpers/app.js';
import { channelDestroy, CHILD, GRANDCHILD, RESELLER, STRANGER } from './fixtures.js';

// Kazoo's reseller model (SPEC 7, docs/accounts.md) through the HTTP API on the embedded store.
describe('subaccount webhooks and keys', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp({ CALLSTATS_RATE_LIMIT: '0' });
  });
  after(() => t.close());

  const hook = (token: string, payload: unknown) =>
    t.app.inject({ method: 'POST', url: `/v2/webhooks/${token}/channel_destroy`, payload: payload as object });
  const accounts = async (token: string) => {
    const res = await t.app.inject({ method: 'GET', url: '/v2/accounts', headers: { 'x-auth-token': token } });
    assert.equal(res.statusCode, 200);
    return (res.json().data as { id: string }[]).map((a) => a.id);
  };
  const countries = (account: string, token: string) =>
    t.app.inject({ method: 'GET', url: `/v2/accounts/${account}/call_statistics/countries`, headers: { 'x-auth-token': token } });
  const stored = async (account: string) =>
    (await t.store.all({ sql: 'SELECT call_id FROM calls WHERE account_id = $1 ORDER BY call_id', params: [account] })).map(
      (r) => r.call_id,
    );

  test('a --subaccounts webhook stores each CDR under its payload account and records the hook account as its parent', async () => {
    const reseller = await createWebhookToken(t.store, RESELLER, true);
    // The sub-reseller's own hook comes after R adopted it: an account with a webhook of its own is
    // no longer new, and only an operator's link may put it under R (claim-attack.test.ts).
    let child: { token: string } | undefined;
    for (const [token, account, callId] of [
      [() => reseller.token, RESELLER, 'r-1'],
      [() => reseller.token, CHILD, 'c-1'],
      [() => child!.token, GRANDCHILD, 'g-1'],
      [() => reseller.token, `${CHILD}-202001`, 'c-2'],
    ] as const) {
      child ??= callId === 'g-1' ? await createWebhookToken(t.store, CHILD, true) : undefined;
      const res = await hook(token(), channelDestroy(account, callId));
      assert.deepEqual(res.json().data, { accepted: 1, duplicates: 0, rejected: [], rejected_count: 0, skipped: 0 }, callId);
    }
    assert.deepEqual(await stored(RESELLER), ['r-1']);
    assert.deepEqual(await stored(CHILD), ['c-1', 'c-2']);
    assert.deepEqual(await stored(GRANDCHILD), ['g-1']);
    assert.deepEqual(
      (await t.store.listAccountParents()).map((l) => [l.account_id, l.parent_id]),
      [
        [GRANDCHILD, CHILD],
        [CHILD, RESELLER],
      ].sort(),
    );
  });

  test('a subaccount webhook rejects a payload account that is no account id, naming the field, and stores nothing', async () => {
    const reseller = await createWebhookToken(t.store, RESELLER, true);
    const res = await hook(reseller.token, channelDestroy('91EB05E5C68D7CA05E7618B6821D2D16', 'bad-1'));
    assert.deepEqual(res.json().data, {
      accepted: 0,
      duplicates: 0,
      rejected: [
        { index: 0, reason: "account_id: '91EB05E5C68D7CA05E7618B6821D2D16' has uppercase hex digits; Kazoo account ids are lowercase" },
      ],
      rejected_count: 1,
      skipped: 0,
    });
    assert.equal(await t.store.countCalls('91EB05E5C68D7CA05E7618B6821D2D16'), 0);
  });

  test("a subaccount webhook refuses its own account's parent: no account becomes its own descendant", async () => {
    const child = await createWebhookToken(t.store, CHILD, true);
    const res = await hook(child.token, channelDestroy(RESELLER, 'loop-1'));
    assert.deepEqual(res.json().data.rejected, [
      { index: 0, reason: `account_id: ${RESELLER} is a parent of this webhook's account ${CHILD}, not a subaccount` },
    ]);
    assert.deepEqual(await stored(RESELLER), ['r-1']);
  });

  test('a webhook without --subaccounts still files every CDR under its own account', async () => {
    const plain = await createWebhookToken(t.store, STRANGER);
    const res = await hook(plain.token, channelDestroy(CHILD, 's-1'));
    assert.equal(res.json().data.accepted, 1);
    assert.deepEqual(await stored(STRANGER), ['s-1']);
    assert.deepEqual(await stored(CHILD), ['c-1', 'c-2']);
    assert.equal((await t.store.listAccountParents()).length, 2);
  });

  test('a --subaccounts key reads its account and every recorded descendant, transitively', async () => {
    const key = (await createApiKey(t.store, RESELLER, 'reseller', true)).token;
    assert.deepEqual(await accounts(key), [RESELLER, ...[CHILD, GRANDCHILD].sort()]);
    for (const account of [RESELLER, CHILD, GRANDCHILD]) assert.equal((await countries(account, key)).statusCode, 200, account);
    assert.equal((await countries(STRANGER, key)).statusCode, 403);
    const middle = (await createApiKey(t.store, CHILD, null, true)).token;
    assert.deepEqual(await accounts(middle), [CHILD, GRANDCHILD]);
    assert.equal((await countries(RESELLER, middle)).statusCode, 403, 'a descendant never reads up');
  });

  test('a key without --subaccounts learns nothing of any other account: its list, and 403 on a sibling or a child', async () => {
    const key = (await createApiKey(t.store, CHILD)).token;
    assert.deepEqual(await accounts(key), [CHILD]);
    for (const other of [RESELLER, GRANDCHILD, STRANGER, 'never-seen']) {
      const res = await countries(other, key);
      assert.equal(res.statusCode, 403, other);
      assert.deepEqual(res.json().data, { account: 'this key may not access this account' });
    }
    const stranger = (await createApiKey(t.store, STRANGER, null, true)).token;
    assert.deepEqual(await accounts(stranger), [STRANGER]);
    assert.equal((await countries(CHILD, stranger)).statusCode, 403);
  });
});
