import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readableAccounts } from '../../src/accounts/subaccounts.js';
import { runPull, type PullCliOptions } from '../../src/cli/pull.js';
import { CallstatsError } from '../../src/core/errors.js';
import { freshStore } from '../helpers/store.js';
import { GREGORIAN, startCrossbarStandin, type CrossbarStandin, type StandinCdr } from '../helpers/crossbar-standin.js';

// `pull --descendants` records crossbar's tree (docs/accounts.md, "Linking accounts"): each row of
// `GET /v2/accounts/{ID}/descendants` carries `tree`, its ancestors top down, the parent last
// (crossbar doc accounts.md, 4.3; cb_accounts.erl takes `lists:last(Tree)` as the parent).
const TOKEN = 'standin-token';
const MASTER = 'f'.repeat(32);
const RESELLER = 'a'.repeat(32);
const CHILD = 'b'.repeat(32);
const GRANDCHILD = 'c'.repeat(32);
const LOOSE = 'd'.repeat(32);
const OTHER = 'e'.repeat(32);
const FROM = Date.UTC(2026, 9, 1) / 1000;

const cdrs = (account: string): StandinCdr[] =>
  [0, 1, 2].map((i) => ({
    id: `${account.slice(0, 4)}-${i}`,
    call_id: `${account.slice(0, 4)}-call-${i}`,
    timestamp: FROM + 3600 * (i + 1) + GREGORIAN,
    duration_seconds: 30,
    billing_seconds: 28,
    call_direction: 'outbound',
    caller_id_number: '+6434123456',
    callee_id_number: '+61412345678',
  }));

let standin: CrossbarStandin;
before(async () => {
  standin = await startCrossbarStandin({
    token: TOKEN,
    cdrs: Object.fromEntries([RESELLER, CHILD, GRANDCHILD, LOOSE].map((a) => [a, cdrs(a)])),
    // The grandchild is listed before its parent; LOOSE's tree names no listed account.
    descendants: { [RESELLER]: [GRANDCHILD, CHILD, LOOSE] },
    trees: { [CHILD]: [MASTER, RESELLER], [GRANDCHILD]: [MASTER, RESELLER, CHILD], [LOOSE]: [MASTER] },
  });
});
after(() => standin?.stop());

function options(db: Awaited<ReturnType<typeof freshStore>>): PullCliOptions {
  return {
    store: db.store,
    zones: db.zones,
    kazoo: standin.url,
    token: TOKEN,
    account: RESELLER,
    descendants: true,
    from: '2026-10-01',
    to: '2026-10-02',
    stateFile: join(db.dir, 'pull-state.json'),
    json: true,
  };
}

async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await f();
  } finally {
    process.stdout.write = write;
  }
}

test("pull --descendants records each account's parent from its tree (the last id), the pulled root for a tree outside the listing", async () => {
  const db = await freshStore();
  try {
    const r = await quietly(() => runPull(options(db)));
    assert.equal(r.summary.accepted, 12);
    const links = async () => (await db.store.listAccountParents()).map((l) => [l.account_id, l.parent_id]);
    assert.deepEqual(await links(), [
      [CHILD, RESELLER],
      [GRANDCHILD, CHILD],
      [LOOSE, RESELLER],
    ]);
    assert.deepEqual(await readableAccounts(db.store, { account: RESELLER, subaccounts: true }), [RESELLER, CHILD, GRANDCHILD, LOOSE]);
    await quietly(() => runPull(options(db)));
    assert.equal((await links()).length, 3, 'a second pull records nothing new');
  } finally {
    await db.cleanup();
  }
});

test('an account the store already puts under another parent fails the pull naming it, before any CDR is fetched or stored', async () => {
  const db = await freshStore();
  try {
    await db.store.addAccountParent({ account_id: CHILD, parent_id: OTHER, created_at: 1_780_000_000 });
    const fetched = standin.requests.cdrs;
    await assert.rejects(
      quietly(() => runPull(options(db))),
      (err: unknown) => {
        assert.ok(err instanceof CallstatsError);
        assert.deepEqual(
          [err.status, err.message, err.data],
          [
            409,
            `pull --descendants of ${RESELLER}: account_id: ${CHILD} already belongs to account ${OTHER}, outside ${RESELLER}'s tree`,
            { account_id: CHILD },
          ],
        );
        return true;
      },
    );
    assert.equal(standin.requests.cdrs, fetched);
    assert.equal(await db.store.countCalls(), 0);
    assert.deepEqual(
      (await db.store.listAccountParents()).map((l) => [l.account_id, l.parent_id]),
      [[CHILD, OTHER]],
    );
  } finally {
    await db.cleanup();
  }
});
