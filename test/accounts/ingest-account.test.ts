import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdrToCall } from '../../src/ingest/cdr-to-call.js';

const zoneOf = () => null;
const ACCOUNT = '7f8936a5c4f24b0cb2e8d1c3a5e09265';

/**
 * A CDR as Kazoo 4.3's cdr app saves it in the account's MODB (applications/cdr/src/cdr_channel_destroy.erl:
 * `update_pvt_parameters` with `kz_util:format_account_id(AccountId, Timestamp)`), trimmed to the fields
 * the account decision reads; `over` replaces the account fields of a test.
 */
function modbCdr(over: Record<string, unknown>): Record<string, unknown> {
  return {
    _id: '201307-c4a1f0ab93e04a0e',
    call_id: 'c4a1f0ab93e04a0e',
    call_direction: 'inbound',
    timestamp: '63541500000',
    duration_seconds: '12',
    billing_seconds: '10',
    pvt_type: 'cdr',
    pvt_vsn: '2',
    ...over,
  };
}

const accountOf = (doc: unknown, accountId?: string) => {
  const r = cdrToCall(doc, { zoneOf, ...(accountId === undefined ? {} : { accountId }) });
  return r.ok ? r.call.account_id : r.reason;
};

test("a MODB-suffixed pvt_account_id is stripped to the account's id, as is a pvt_account_db name", () => {
  assert.equal(accountOf(modbCdr({ pvt_account_id: `${ACCOUNT}-201307` })), ACCOUNT);
  assert.equal(accountOf(modbCdr({ pvt_account_db: 'account%2F7f%2F89%2F36a5c4f24b0cb2e8d1c3a5e09265-201307' })), ACCOUNT);
  assert.equal(accountOf(modbCdr({ custom_channel_vars: { account_id: `${ACCOUNT}-201307` } })), ACCOUNT);
});

test('a bad account id rejects that record, naming the field it came from', () => {
  assert.equal(
    accountOf(modbCdr({ pvt_account_id: ACCOUNT.slice(2) })),
    `pvt_account_id: '${ACCOUNT.slice(2)}' has 30 hex digits; a Kazoo account id has 32`,
  );
  assert.equal(
    accountOf(modbCdr({ custom_channel_vars: { account_id: 'two words' }, pvt_account_id: ACCOUNT })),
    "custom_channel_vars.account_id: 'two words' is not an account id: 32 lowercase hex digits (Kazoo), or a name of letters, digits, '_' and '-' (at most 64)",
  );
  assert.equal(
    accountOf(modbCdr({ account_id: ACCOUNT.toUpperCase() })),
    `account_id: '${ACCOUNT.toUpperCase()}' has uppercase hex digits; Kazoo account ids are lowercase`,
  );
});

test('an account given by the URL or --account overrides the document, and must itself be an account id', () => {
  assert.equal(accountOf(modbCdr({ pvt_account_id: 'ignored-here' }), 'acme'), 'acme');
  assert.equal(
    accountOf(modbCdr({}), `${ACCOUNT}-201307`),
    `account_id: '${ACCOUNT}-201307' is a monthly database (MODB) name; the account id is ${ACCOUNT} (from the URL or --account)`,
  );
});
