import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { adoptSubaccount, linkAccount } from '../../src/accounts/adopt.js';
import type { Store } from '../../src/store/store.js';
import { freshStore } from '../helpers/store.js';
import { CHILD, GRANDCHILD, RESELLER, STRANGER } from './fixtures.js';
import { call } from '../helpers/call.js';

// The adoption rule's cost and its race, on a real DuckDB store: the counts come from a wrapper that
// forwards every call to the store and only counts them.
let db: Awaited<ReturnType<typeof freshStore>>;
before(async () => {
  db = await freshStore();
});
after(() => db.cleanup());

function counted(store: Store): { store: Store; queries: () => number; links: () => number } {
  let queries = 0;
  let links = 0;
  const wrapped = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (name === 'all') queries++;
        if (name === 'addAccountParent') links++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, queries: () => queries, links: () => links };
}

const hook = { account: RESELLER, subaccounts: true };
const account = (i: number) => `d${String(i).padStart(31, '0')}`;

test('a new account costs one query and one link on its first CDR, and nothing on the next 100', async () => {
  const c = counted(db.store);
  assert.equal(await adoptSubaccount(c.store, hook, CHILD), undefined);
  assert.deepEqual([c.queries(), c.links()], [1, 1]);
  for (let i = 0; i < 100; i++) assert.equal(await adoptSubaccount(c.store, hook, CHILD), undefined);
  assert.deepEqual([c.queries(), c.links()], [1, 1]);
});

test("an account already in the hook's tree is accepted with no query and no write: it keeps its one parent", async () => {
  assert.equal(await adoptSubaccount(db.store, { account: CHILD, subaccounts: true }, GRANDCHILD), undefined);
  const c = counted(db.store);
  for (let i = 0; i < 10; i++) assert.equal(await adoptSubaccount(c.store, hook, GRANDCHILD), undefined);
  assert.deepEqual([c.queries(), c.links()], [0, 0]);
  assert.deepEqual(
    (await db.store.listAccountParents()).filter((l) => l.account_id === GRANDCHILD).map((l) => l.parent_id),
    [CHILD],
  );
});

test('a refused account costs its one query once, not once per CDR', async () => {
  await db.store.insertCalls([
    call({
      account_id: STRANGER,
      call_id: 'stranger-1',
      call_time: 1_700_000_000,
      caller_id_number: '+6434123456',
      callee_id_number: '+61412345678',
      duration_seconds: 5,
      billing_seconds: 5,
      hangup_cause: 'NORMAL_CLEARING',
    }),
  ]);
  const c = counted(db.store);
  const first = await adoptSubaccount(c.store, hook, STRANGER);
  assert.match(first ?? '', /already has calls stored under it/);
  for (let i = 0; i < 50; i++) assert.equal(await adoptSubaccount(c.store, hook, STRANGER), first);
  assert.deepEqual([c.queries(), c.links()], [1, 0]);
});

test('two resellers racing to adopt the same new account: exactly one wins, the account gets one parent', async () => {
  const other = { account: 'e'.repeat(32), subaccounts: true };
  for (let i = 0; i < 20; i++) {
    const results = await Promise.all([adoptSubaccount(db.store, hook, account(i)), adoptSubaccount(db.store, other, account(i))]);
    assert.equal(results.filter((r) => r === undefined).length, 1, `account ${i}: ${JSON.stringify(results)}`);
    const parents = (await db.store.listAccountParents()).filter((l) => l.account_id === account(i)).map((l) => l.parent_id);
    assert.equal(parents.length, 1);
    const loser = parents[0] === RESELLER ? other : hook;
    assert.deepEqual(
      results,
      [hook, other].map((h) =>
        h === loser ? `account_id: ${account(i)} already belongs to account ${parents[0]}, outside ${loser.account}'s tree` : undefined,
      ),
    );
  }
});

test("an operator's link takes any account without another parent, and names the parent it already has", async () => {
  assert.equal(await linkAccount(db.store, STRANGER, RESELLER), undefined, 'calls of its own do not stop the operator');
  assert.equal(await adoptSubaccount(db.store, hook, STRANGER), undefined, 'the hook now finds it in its tree');
  assert.equal(await linkAccount(db.store, STRANGER, RESELLER), undefined, 'linking again writes nothing');
  const parent = (await db.store.listAccountParents()).find((l) => l.account_id === account(0))?.parent_id;
  assert.equal(
    await linkAccount(db.store, account(0), 'f'.repeat(32)),
    `account_id: ${account(0)} already belongs to account ${parent}, outside ${'f'.repeat(32)}'s tree`,
  );
  assert.equal(await linkAccount(db.store, RESELLER, CHILD), `account_id: ${RESELLER} is a parent of account ${CHILD}, not a subaccount`);
});
