import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdrToCall, type CdrResult } from '../../src/ingest/cdr-to-call.js';
import { preview, shown } from '../../src/ingest/coerce.js';

const ctx = { accountId: 'acc1', zoneOf: () => null };
const G = 62167219200; // gregorian seconds of 1970-01-01
/** Gregorian seconds of 00:00 UTC on 1 January of `year` (proleptic calendar, year 0 included). */
function gregorianYear(year: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, 0, 1);
  return Math.round(d.getTime() / 1000) + G;
}
const base = { call_id: 'b1', call_direction: 'outbound', timestamp: G + 1_456_780_800, duration_seconds: 10, billing_seconds: 5 };

function outcome(r: CdrResult): string | number {
  return r.ok ? r.call.call_time : r.reason;
}

test('durations: 0 … 2^31−1 kept; 2^31, 2^53, 2^63, 1e400, −1, "NaN", 2.5 rejected naming the field', () => {
  for (const field of ['duration_seconds', 'billing_seconds', 'ringing_seconds'] as const) {
    const ok = cdrToCall({ ...base, timestamp: G + 2 ** 31 + 100, [field]: 2 ** 31 - 1 }, ctx);
    assert.equal(ok.ok && ok.call[field], 2 ** 31 - 1, field);
    const okText = cdrToCall({ ...base, timestamp: G + 2 ** 31 + 100, [field]: '2147483647' }, ctx);
    assert.equal(okText.ok && okText.call[field], 2 ** 31 - 1, field);
    const cases: [unknown, string][] = [
      [2 ** 31, `${field}: out of range 0 … 2147483647: '2147483648'`],
      ['2147483648', `${field}: out of range 0 … 2147483647: '2147483648'`],
      [2 ** 53, `${field}: out of range 0 … 2147483647: '9007199254740992'`],
      ['9223372036854775808', `${field}: out of range 0 … 2147483647: '9223372036854775808'`],
      [JSON.parse('1e400'), `${field}: not a non-negative integer: 'Infinity'`],
      [-1, `${field}: not a non-negative integer: '-1'`],
      ['-1', `${field}: not a non-negative integer: '-1'`],
      ['NaN', `${field}: not a non-negative integer: 'NaN'`],
      [2.5, `${field}: not a non-negative integer: '2.5'`],
      [true, `${field}: not a non-negative integer: 'true'`],
    ];
    for (const [value, reason] of cases)
      assert.equal(outcome(cdrToCall({ ...base, [field]: value }, ctx)), reason, `${field}=${String(value)}`);
  }
  assert.equal(outcome(cdrToCall({ ...base, duration_seconds: '' }, ctx)), 1_456_780_800, 'a blank duration counts as 0');
});

test('call start: [1970-01-01, 2100-01-01) UTC; years 0, 1969, 2100, 10000, 50000 rejected', () => {
  const outside = (v: unknown): string => `timestamp: call start outside 1970-01-01 … 2100-01-01 UTC: ${shown(v)}`;
  assert.equal(outcome(cdrToCall({ ...base, timestamp: G + 10, duration_seconds: 10 }, ctx)), 0, '1970-01-01T00:00:00Z is the first');
  assert.equal(outcome(cdrToCall({ ...base, timestamp: G + 9, duration_seconds: 10 }, ctx)), outside(G + 9));
  const last = gregorianYear(2100) - 1;
  assert.equal(outcome(cdrToCall({ ...base, timestamp: last + 10 }, ctx)), last - G, '2099-12-31T23:59:59Z is the last');
  assert.equal(outcome(cdrToCall({ ...base, timestamp: last + 11 }, ctx)), outside(last + 11));
  const before = (v: unknown): string => `timestamp: not gregorian seconds (before 1970; Unix seconds?): ${shown(v)}`;
  assert.equal(outcome(cdrToCall({ ...base, timestamp: 0 }, ctx)), before(0), 'year 0');
  assert.equal(outcome(cdrToCall({ ...base, timestamp: gregorianYear(1969) }, ctx)), before(gregorianYear(1969)));
  for (const year of [2100, 10000, 50000]) {
    const ts = gregorianYear(year) + 10;
    assert.equal(outcome(cdrToCall({ ...base, timestamp: ts }, ctx)), outside(ts), `year ${year}`);
    assert.equal(outcome(cdrToCall({ ...base, timestamp: String(ts) }, ctx)), outside(String(ts)), `year ${year} as text`);
  }
  assert.equal(outcome(cdrToCall({ ...base, timestamp: 1_000_000_000_000_000 }, ctx)), outside(1_000_000_000_000_000), 'the issue');
  assert.equal(
    outcome(cdrToCall({ ...base, timestamp: 2 ** 53 }, ctx)),
    `timestamp: out of range 0 … ${Number.MAX_SAFE_INTEGER}: '9007199254740992'`,
  );
  assert.equal(outcome(cdrToCall({ ...base, timestamp: 'NaN' }, ctx)), "timestamp: not a non-negative integer: 'NaN'");
  assert.equal(outcome(cdrToCall({ ...base, timestamp: -1 }, ctx)), "timestamp: not a non-negative integer: '-1'");
  assert.equal(outcome(cdrToCall({ ...base, timestamp: '' }, ctx)), 'timestamp: missing');
  const row = { call_id: 'r', direction: 'inbound', unix_timestamp: 4_102_444_800 };
  assert.equal(outcome(cdrToCall(row, ctx)), "unix_timestamp: call start outside 1970-01-01 … 2100-01-01 UTC: '4102444800'");
});

test('ids: a NUL, a lone surrogate or U+FFFD rejects the record; display text repairs a lone surrogate', () => {
  assert.equal(outcome(cdrToCall({ ...base, call_id: 'a\u0000' }, ctx)), 'call_id: contains NUL (U+0000)');
  assert.equal(outcome(cdrToCall({ ...base, call_id: 'a\ud800' }, ctx)), 'call_id: not valid Unicode (lone surrogate)');
  assert.equal(outcome(cdrToCall({ ...base, call_id: 'a\ufffd' }, ctx)), 'call_id: contains U+FFFD (invalid UTF-8 in the input?)');
  const name = cdrToCall({ ...base, caller_id_name: 'x\ud800y' }, ctx);
  assert.equal(name.ok && name.call.caller_id_name, 'x\ufffdy');
  assert.equal(outcome(cdrToCall({ ...base, hangup_cause: 'N\u0000' }, ctx)), 'hangup_cause: contains NUL (U+0000)');
  assert.equal(outcome(cdrToCall({ ...base, caller_id_number: 'x'.repeat(1_000_000) }, ctx)), 'caller_id_number: longer than 1024 bytes');
  const noAccount = { zoneOf: () => null };
  assert.equal(outcome(cdrToCall({ ...base, account_id: 'a\u0000' }, noAccount)), 'account_id: contains NUL (U+0000)');
  assert.equal(outcome(cdrToCall({ ...base, account_id: 'a'.repeat(257) }, noAccount)), 'account_id: longer than 256 bytes');
});

test('a value nested 10,000 deep is rejected with a short reason, without recursion', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = i % 2 === 0 ? [deep] : { a: deep };
  assert.equal(outcome(cdrToCall({ ...base, caller_id_name: deep }, ctx)), `caller_id_name: not text: '${'{"a":['.repeat(6)}{"a"…'`);
  assert.equal(
    outcome(cdrToCall({ ...base, duration_seconds: deep }, ctx))
      .toString()
      .startsWith('duration_seconds: not a non-negative'),
    true,
  );
  assert.equal(outcome(cdrToCall([deep], ctx)), `record: not a JSON object: '[${'{"a":['.repeat(6)}{"a…'`);
  assert.equal(preview({ a: [1, 'x', null, true], b: {} }, 100), '{"a":[1,"x",null,true],"b":{}}', 'small values read as JSON');
});
