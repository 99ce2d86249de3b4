import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { cdrToCall, type CdrResult } from '../../src/ingest/cdr-to-call.js';
import { call } from '../helpers/call.js';

const zoneOf = (n: string | null): number | null => (n === null ? null : n.startsWith('+6434') ? 5023 : n.startsWith('+1555') ? 350 : null);
const ctx = { zoneOf };

/** A CouchDB CDR document as Kazoo writes it: numbers as strings, timestamp in gregorian seconds at hangup. */
const couchDoc = {
  _id: '201603-call-a',
  call_id: 'call-a@10.0.0.1',
  call_direction: 'inbound',
  timestamp: '63624000000',
  duration_seconds: '79',
  billing_seconds: '70',
  ringing_seconds: '9',
  caller_id_name: '=cmd|"/c calc"!A1',
  caller_id_number: '+6434123456',
  callee_id_number: '+15552345678',
  hangup_cause: 'NORMAL_CLEARING',
  custom_channel_vars: { account_id: 'acc1' },
  to: '+15552345678@realm.com',
};

const callA: Call = call({
  account_id: 'acc1',
  call_id: 'call-a@10.0.0.1',
  call_time: 1456780721, // 63624000000 − 62167219200 − 79: 2016-02-29T23:58:41Z, the call start
  caller_id_name: '=cmd|"/c calc"!A1',
  caller_id_number: '+6434123456',
  callee_id_number: '+15552345678',
  caller_zone_id: 5023,
  callee_zone_id: 350,
  duration_seconds: 79,
  billing_seconds: 70,
  ringing_seconds: 9,
  hangup_cause: 'NORMAL_CLEARING',
});

function rejected(r: CdrResult): string {
  assert.equal(r.ok, false);
  return (r as { reason: string }).reason;
}

test('a CouchDB CDR with string numbers becomes a call starting at timestamp − duration', () => {
  assert.deepEqual(cdrToCall(couchDoc, ctx), { ok: true, call: callA });
});

test('numeric fields, an inbound callee taken from the user part of `to`, billing 0 → unanswered', () => {
  const doc = {
    call_id: 'b',
    call_direction: 'inbound',
    timestamp: 63624000100,
    duration_seconds: 5,
    billing_seconds: 0,
    caller_id_name: '  Zoë "Z" 📞\nline2 ',
    caller_id_number: 6434123457,
    to: '+6434123456@realm.com',
    account_id: 'acc2',
  };
  assert.deepEqual(cdrToCall(doc, ctx), {
    ok: true,
    call: call({
      account_id: 'acc2',
      call_id: 'b',
      call_time: 1456780895,
      caller_id_name: 'Zoë "Z" 📞\nline2',
      caller_id_number: '6434123457',
      callee_id_number: '+6434123456',
      callee_zone_id: 5023,
      duration_seconds: 5,
      billing_seconds: 0,
      unanswered: true,
    }),
  });
});

test('missing durations count as 0, empty strings become null, callee falls back to `request`', () => {
  const doc = {
    call_id: 'd',
    call_direction: 'OUTBOUND',
    timestamp: '63624000200',
    caller_id_name: '',
    callee_id_number: ' ',
    request: 'sip:+15552345678@realm.com',
    custom_channel_vars: { account_id: 'acc1' },
  };
  assert.deepEqual(cdrToCall(doc, ctx), {
    ok: true,
    call: call({
      account_id: 'acc1',
      call_id: 'd',
      call_time: 1456781000,
      call_direction: 'outbound',
      callee_id_number: '+15552345678',
      callee_zone_id: 350,
      duration_seconds: 0,
      billing_seconds: 0,
      unanswered: true,
    }),
  });
});

test('the account from the context wins over the document; then ccv, account_id, pvt_account_id', () => {
  const r = cdrToCall(couchDoc, { zoneOf, accountId: 'url-account' });
  assert.equal(r.ok && r.call.account_id, 'url-account');
  const { custom_channel_vars: _ccv, ...bare } = couchDoc;
  assert.equal(rejected(cdrToCall(bare, ctx)), 'account_id: missing (give the account in the URL or with --account)');
  const r2 = cdrToCall({ ...bare, account_id: 'top', pvt_account_id: 'pvt' }, ctx);
  assert.equal(r2.ok && r2.call.account_id, 'top');
  const r3 = cdrToCall({ ...bare, pvt_account_id: 'pvt' }, ctx);
  assert.equal(r3.ok && r3.call.account_id, 'pvt');
});

test('a crossbar listing row (`direction`, timestamp already the start) is not shifted twice', () => {
  const row = {
    id: '201603-call-a',
    call_id: 'call-a@10.0.0.1',
    direction: 'inbound',
    timestamp: 63623999921,
    unix_timestamp: 1456780721,
    duration_seconds: '79',
    billing_seconds: '70',
    caller_id_number: '+6434123456',
    caller_id_name: '=cmd|"/c calc"!A1',
    callee_id_number: '+15552345678',
    hangup_cause: 'NORMAL_CLEARING',
  };
  assert.deepEqual(cdrToCall(row, { zoneOf, accountId: 'acc1' }), { ok: true, call: { ...callA, ringing_seconds: null } });
});

test('required fields are named when missing', () => {
  assert.equal(rejected(cdrToCall({ ...couchDoc, call_id: undefined }, ctx)), 'call_id: missing');
  assert.equal(rejected(cdrToCall({ ...couchDoc, call_id: '  ' }, ctx)), 'call_id: missing');
  assert.equal(rejected(cdrToCall({ ...couchDoc, call_direction: undefined }, ctx)), 'call_direction: missing');
  assert.equal(rejected(cdrToCall({ ...couchDoc, timestamp: '' }, ctx)), 'timestamp: missing');
});

test('values that cannot be coerced are rejected with the field and the value', () => {
  assert.equal(rejected(cdrToCall({ ...couchDoc, duration_seconds: 'abc' }, ctx)), "duration_seconds: not a non-negative integer: 'abc'");
  assert.equal(rejected(cdrToCall({ ...couchDoc, billing_seconds: -4 }, ctx)), "billing_seconds: not a non-negative integer: '-4'");
  assert.equal(rejected(cdrToCall({ ...couchDoc, ringing_seconds: '2.5' }, ctx)), "ringing_seconds: not a non-negative integer: '2.5'");
  assert.equal(rejected(cdrToCall({ ...couchDoc, timestamp: '6.3e10' }, ctx)), "timestamp: not a non-negative integer: '6.3e10'");
  assert.equal(
    rejected(cdrToCall({ ...couchDoc, timestamp: 1456780800 }, ctx)),
    "timestamp: not gregorian seconds (before 1970; Unix seconds?): '1456780800'",
  );
  assert.equal(
    rejected(cdrToCall({ ...couchDoc, call_direction: 'sideways' }, ctx)),
    "call_direction: must be 'inbound' or 'outbound': 'sideways'",
  );
  assert.equal(rejected(cdrToCall({ ...couchDoc, caller_id_name: { a: 1 } }, ctx)), `caller_id_name: not text: '{"a":1}'`);
  assert.equal(rejected(cdrToCall([couchDoc], ctx)).startsWith('record: not a JSON object'), true);
  assert.equal(rejected(cdrToCall(null, ctx)), "record: not a JSON object: 'null'");
});

test('text over its limit is rejected, never cut; a NUL rejects the record (docs/ingest-limits.md)', () => {
  const r = cdrToCall({ ...couchDoc, caller_id_name: 'x'.repeat(1020) + '📞' }, ctx);
  assert.equal(r.ok && r.call.caller_id_name, 'x'.repeat(1020) + '📞', '1,024 UTF-8 bytes are kept');
  assert.equal(
    rejected(cdrToCall({ ...couchDoc, caller_id_name: 'x'.repeat(1021) + '📞' }, ctx)),
    'caller_id_name: longer than 1024 bytes',
  );
  assert.equal(rejected(cdrToCall({ ...couchDoc, caller_id_name: 'a\u0000b' }, ctx)), 'caller_id_name: contains NUL (U+0000)');
  assert.equal(rejected(cdrToCall({ ...couchDoc, call_id: 'c'.repeat(257) }, ctx)), 'call_id: longer than 256 bytes');
  const ok = cdrToCall({ ...couchDoc, call_id: 'é'.repeat(128) }, ctx);
  assert.equal(ok.ok && ok.call.call_id, 'é'.repeat(128), '256 bytes of two-byte characters are kept');
});
