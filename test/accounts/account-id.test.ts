import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountIdProblem, readAccountId, stripModb } from '../../src/accounts/account-id.js';

// Ids and database names follow Kazoo 4.3's own docs: `7f89…9265-201307` style MODB names
// (core/kazoo_modb), and the encoded form `account%2F67%2Fc6%2Fd3eb4b5f3486ac51dea16e8064a9-201803`
// of applications/crossbar/doc/ (db_name in a storage answer).
const KAZOO = '67c6d3eb4b5f3486ac51dea16e8064a9';

test('Kazoo ids (32 lowercase hex) and short platform names (letters, digits, _ and -, at most 64) are account ids', () => {
  for (const id of [KAZOO, 'de300000000000000000000000000001', 'acme', 'acc1', 'acc-1', 'tenant_42', 'cafe', 'A', 'x'.repeat(64)]) {
    assert.equal(accountIdProblem(id), undefined, id);
  }
});

test('a hex-only id longer than 16 must be a whole lowercase Kazoo id; the reason says what is wrong', () => {
  assert.equal(accountIdProblem(KAZOO.slice(1)), `'${KAZOO.slice(1)}' has 31 hex digits; a Kazoo account id has 32`);
  assert.equal(accountIdProblem(`${KAZOO}0`), `'${KAZOO}0' has 33 hex digits; a Kazoo account id has 32`);
  assert.equal(accountIdProblem(KAZOO.toUpperCase()), `'${KAZOO.toUpperCase()}' has uppercase hex digits; Kazoo account ids are lowercase`);
  assert.equal(accountIdProblem('0123456789abcdef'), undefined, '16 hex digits are still a name');
  assert.equal(accountIdProblem('0123456789abcdef0'), "'0123456789abcdef0' has 17 hex digits; a Kazoo account id has 32");
});

test('MODB names are no account ids as they stand, and the reason names the id inside', () => {
  assert.equal(accountIdProblem(`${KAZOO}-201803`), `'${KAZOO}-201803' is a monthly database (MODB) name; the account id is ${KAZOO}`);
  assert.equal(
    accountIdProblem('account%2F67%2Fc6%2Fd3eb4b5f3486ac51dea16e8064a9-201803'),
    `'account%2F67%2Fc6%2Fd3eb4b5f3486ac51dea16e8064a9-201803' is a monthly database (MODB) name; the account id is ${KAZOO}`,
  );
});

test('everything else is refused: empty, too long, spaces, slashes, NUL, non-ASCII, a star', () => {
  const rule = "32 lowercase hex digits (Kazoo), or a name of letters, digits, '_' and '-' (at most 64)";
  assert.equal(accountIdProblem(''), `'' is not an account id: ${rule}`);
  assert.equal(accountIdProblem('x'.repeat(65)), `'${'x'.repeat(65)}' is not an account id: ${rule}`);
  assert.equal(accountIdProblem('x'.repeat(100)), `'${'x'.repeat(77)}...' is not an account id: ${rule}`);
  assert.equal(accountIdProblem('a b'), `'a b' is not an account id: ${rule}`);
  assert.equal(accountIdProblem('a/b'), `'a/b' is not an account id: ${rule}`);
  assert.equal(accountIdProblem('a\u0000'), `'a\\u0000' is not an account id: ${rule}`);
  assert.equal(accountIdProblem('zoë'), `'zoë' is not an account id: ${rule}`);
  assert.equal(accountIdProblem('*'), `'*' is not an account id: ${rule}`);
});

test('ingest strips a MODB suffix in every form Kazoo writes, and keeps anything else as it is', () => {
  assert.equal(stripModb(`${KAZOO}-201803`), KAZOO);
  assert.equal(stripModb('account%2F67%2Fc6%2Fd3eb4b5f3486ac51dea16e8064a9-201803'), KAZOO);
  assert.equal(stripModb('account%2f67%2fc6%2fd3eb4b5f3486ac51dea16e8064a9'), KAZOO);
  assert.equal(stripModb('account/67/c6/d3eb4b5f3486ac51dea16e8064a9-201803'), KAZOO);
  assert.equal(stripModb('acme-201803'), 'acme-201803');
  assert.deepEqual(readAccountId(`${KAZOO}-201803`), { id: KAZOO });
  assert.deepEqual(readAccountId('account%2F67%2Fc6'), {
    id: 'account%2F67%2Fc6',
    problem:
      "'account%2F67%2Fc6' is not an account id: 32 lowercase hex digits (Kazoo), or a name of letters, digits, '_' and '-' (at most 64)",
  });
});
