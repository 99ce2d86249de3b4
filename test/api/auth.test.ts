import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.js';
import { createApiKey, createWebhookToken } from '../../src/accounts/tokens.js';

describe('accounts and keys (SPEC 7, 2.1)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let keyA: string;
  before(async () => {
    t = await testApp();
    keyA = (await createApiKey(t.store, 'accountA')).token;
  });
  after(() => t.close());
  const countries = (account: string, headers: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: `/v2/accounts/${account}/call_statistics/countries`, headers });

  test('no token is 401 in the Kazoo envelope', async () => {
    const res = await countries('accountA', {});
    assert.equal(res.statusCode, 401);
    const body = res.json();
    assert.deepEqual(
      { error: body.error, status: body.status, message: body.message },
      { error: '401', status: 'error', message: 'missing X-Auth-Token' },
    );
    assert.equal(typeof body.request_id, 'string');
  });

  test('a wrong or malformed token is 401', async () => {
    for (const token of [
      'nonsense',
      `${keyA}x`,
      keyA.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
      '0123456789abcdef.' + 'A'.repeat(43),
    ]) {
      const res = await countries('accountA', { 'x-auth-token': token });
      assert.equal(res.statusCode, 401, token);
    }
  });

  test('a key for account A reads A and gets 403 on B, existing or not', async () => {
    assert.equal((await countries('accountA', { 'x-auth-token': keyA })).statusCode, 200);
    await t.app.inject({
      method: 'POST',
      url: '/v2/accounts/accountB/call_statistics/cdrs',
      headers: { 'x-auth-token': t.token, 'content-type': 'application/json' },
      payload: { data: [] },
    });
    for (const other of ['accountB', 'never-seen']) {
      const res = await countries(other, { 'x-auth-token': keyA });
      assert.equal(res.statusCode, 403);
      assert.deepEqual(res.json().data, { account: 'this key may not access this account' });
    }
  });

  test('a malformed account id in the URL is a 400 naming account_id for every key, not an empty 200', async () => {
    const kazoo = '91eb05e5c68d7ca05e7618b6821d2d16';
    const cases: [string, string][] = [
      [kazoo.slice(0, 31), `'${kazoo.slice(0, 31)}' has 31 hex digits; a Kazoo account id has 32`],
      [`${kazoo}-201307`, `'${kazoo}-201307' is a monthly database (MODB) name; the account id is ${kazoo}`],
      [
        'account%252F91%252Feb%252F05e5c68d7ca05e7618b6821d2d16-201307',
        `'account%2F91%2Feb%2F05e5c68d7ca05e7618b6821d2d16-201307' is a monthly database (MODB) name; the account id is ${kazoo}`,
      ],
      ['caf%C3%A9', "'café' is not an account id: 32 lowercase hex digits (Kazoo), or a name of letters, digits, '_' and '-' (at most 64)"],
    ];
    for (const [account, reason] of cases) {
      for (const token of [t.token, keyA]) {
        const res = await countries(account, { 'x-auth-token': token });
        assert.equal(res.statusCode, 400, account);
        assert.deepEqual(
          { error: res.json().error, message: res.json().message, data: res.json().data },
          { error: '400', message: 'invalid account id', data: { account_id: reason } },
        );
      }
    }
    const stats = await t.app.inject({
      method: 'GET',
      url: `/v2/accounts/${kazoo.slice(1)}/call_statistics/daily`,
      headers: { 'x-auth-token': t.token },
    });
    assert.equal(stats.statusCode, 400);
    assert.deepEqual(Object.keys(stats.json().data), ['account_id']);
  });

  test('a revoked key is 401', async () => {
    const k = await createApiKey(t.store, 'accountA');
    assert.equal((await countries('accountA', { 'x-auth-token': k.token })).statusCode, 200);
    assert.equal(await t.store.revokeKey(k.id), true);
    assert.equal((await countries('accountA', { 'x-auth-token': k.token })).statusCode, 401);
  });

  test('keys are stored hashed', async () => {
    const k = await createApiKey(t.store, 'accountA');
    const rec = await t.store.getKey(k.id);
    assert.ok(rec);
    assert.ok(!JSON.stringify(rec).includes(k.token.split('.')[1]));
    assert.match(rec.secret_hash, /^[0-9a-f]{64}$/);
  });

  test('unknown path is 404 and a wrong method is 405, both in the envelope', async () => {
    const r404 = await t.app.inject({ method: 'GET', url: '/v2/nothing/here', headers: { 'x-auth-token': t.token } });
    assert.equal(r404.statusCode, 404);
    assert.equal(r404.json().error, '404');
    const r405 = await t.app.inject({
      method: 'DELETE',
      url: '/v2/accounts/a/call_statistics/countries',
      headers: { 'x-auth-token': t.token },
    });
    assert.equal(r405.statusCode, 405);
    assert.equal(r405.json().error, '405');
  });

  test('a body over the limit is 413 in the envelope', async () => {
    const hook = await createWebhookToken(t.store, 'accountA');
    const res = await t.app.inject({
      method: 'POST',
      url: `/v2/webhooks/${hook.token}/channel_destroy`,
      headers: { 'content-type': 'application/json' },
      payload: '{"a":"' + 'x'.repeat(2 * 1024 * 1024) + '"}',
    });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error, '413');
  });
});
