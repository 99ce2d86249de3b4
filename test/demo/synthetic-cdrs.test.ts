import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GREGORIAN_UNIX_OFFSET } from '../../src/core/call.js';
import { DEMO_ACCOUNT_ID, demoParameters } from '../../src/demo/demo-account.js';
import { type KazooCdr, syntheticCdrs } from '../../src/demo/synthetic-cdrs.js';
import { Prng, decimal } from '../../src/demo/prng.js';
import { zipfSplit } from '../../src/demo/synthetic-accounts.js';

const from = new Date('2025-06-01T00:00:00Z');
const to = new Date('2025-09-01T00:00:00Z');

function take(n: number, seed: number, accounts: Parameters<typeof syntheticCdrs>[0]['accounts'] = 5): KazooCdr[] {
  const out: KazooCdr[] = [];
  for (const cdr of syntheticCdrs({ seed, accounts, totalCalls: n, from, to })) out.push(cdr);
  return out;
}

/** Call start in Unix seconds, as SPEC section 4 derives it. */
function callStart(cdr: KazooCdr): number {
  return Number(cdr.timestamp) - GREGORIAN_UNIX_OFFSET - Number(cdr.duration_seconds);
}

describe('syntheticCdrs', () => {
  const calls = take(20_000, 42);

  it('yields identical documents for the same seed', () => {
    assert.deepEqual(take(1000, 7), take(1000, 7));
  });

  it('yields different documents for a different seed', () => {
    const a = take(1000, 7);
    const b = take(1000, 8);
    assert.notDeepEqual(
      a.map((c) => c.call_id),
      b.map((c) => c.call_id),
    );
    assert.notDeepEqual(
      a.map((c) => c.timestamp),
      b.map((c) => c.timestamp),
    );
  });

  it('yields exactly totalCalls documents with unique call ids', () => {
    assert.equal(calls.length, 20_000);
    assert.equal(new Set(calls.map((c) => c.call_id)).size, 20_000);
  });

  it('answers 65–75 % of calls; unanswered calls bill 0 s and carry a failure cause', () => {
    const answered = calls.filter((c) => c.billing_seconds !== '0');
    const share = answered.length / calls.length;
    assert.ok(share >= 0.65 && share <= 0.75, `answered share ${share}`);
    for (const c of calls) {
      if (c.billing_seconds === '0') assert.notEqual(c.hangup_cause, 'NORMAL_CLEARING');
      else assert.ok(Number(c.duration_seconds) >= Number(c.billing_seconds));
    }
  });

  it('types fields as Kazoo does: seconds as digit strings, timestamp a string or a number', () => {
    const timestampTypes = new Set<string>();
    for (const c of calls) {
      for (const f of ['duration_seconds', 'billing_seconds', 'ringing_seconds'] as const) {
        assert.match(c[f], /^\d+$/, `${f} of ${c.call_id}`);
      }
      assert.ok(Number(c.ringing_seconds) <= 30);
      timestampTypes.add(typeof c.timestamp);
      assert.match(String(c.timestamp), /^6\d{10}$/);
      assert.ok(c.call_direction === 'inbound' || c.call_direction === 'outbound');
      for (const f of [
        'call_id',
        'caller_id_name',
        'caller_id_number',
        'callee_id_number',
        'callee_id_name',
        'hangup_cause',
        'to',
        'from',
        'request',
        'media_server',
      ] as const) {
        assert.equal(typeof c[f], 'string', `${f} of ${c.call_id}`);
      }
      assert.match(c.to, /^[^@]+@[^@]+$/);
      assert.match(c.custom_channel_vars.account_id, /^[0-9a-f]{32}$/);
      assert.equal(c._id, `${c._id.slice(0, 6)}-${c.call_id}`);
    }
    assert.deepEqual([...timestampTypes].sort(), ['number', 'string']);
  });

  it('starts and ends every call inside [from, to)', () => {
    for (const c of calls) {
      const start = callStart(c);
      const end = start + Number(c.duration_seconds);
      assert.ok(start * 1000 >= from.getTime() && end * 1000 < to.getTime(), `${c.call_id} at ${start}`);
    }
  });

  it('has long-tailed durations: median of answered calls 1–2 min, some over an hour', () => {
    const d = calls
      .filter((c) => c.billing_seconds !== '0')
      .map((c) => Number(c.duration_seconds))
      .sort((a, b) => a - b);
    const median = d[d.length >> 1];
    assert.ok(median >= 60 && median <= 120, `median ${median}`);
    assert.ok(d.some((x) => x > 3600));
  });

  it('puts most calls in local business hours on weekdays', () => {
    const demo = [...syntheticCdrs(demoParameters(20_000, to))];
    const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Pacific/Auckland', hourCycle: 'h23', hour: '2-digit', weekday: 'short' });
    let business = 0;
    let weekend = 0;
    for (const c of demo) {
      const parts = fmt.formatToParts(new Date(callStart(c) * 1000));
      const hour = Number(parts.find((p) => p.type === 'hour')?.value);
      const day = parts.find((p) => p.type === 'weekday')?.value;
      if (day === 'Sat' || day === 'Sun') weekend++;
      else if (hour >= 8 && hour < 18) business++;
    }
    assert.ok(business / demo.length > 0.7, `business-hours share ${business / demo.length}`);
    assert.ok(weekend / demo.length < 0.1, `weekend share ${weekend / demo.length}`);
  });

  it('dials NZ/AU/US/GB numbers in E.164 and 3–4 digit extensions', () => {
    const numbers = calls.flatMap((c) => [c.caller_id_number, c.callee_id_number]);
    for (const cc of ['+64', '+61', '+1', '+44'])
      assert.ok(
        numbers.some((n) => n.startsWith(cc)),
        cc,
      );
    assert.ok(numbers.some((n) => /^\d{3,4}$/.test(n)));
    assert.ok(numbers.filter((n) => n.startsWith('+')).every((n) => /^\+\d{10,13}$/.test(n)));
  });

  it('includes unicode and spreadsheet-hostile caller names', () => {
    const names = calls.map((c) => c.caller_id_name);
    assert.ok(names.some((n) => /[^\x00-\x7f]/.test(n)));
    assert.ok(names.some((n) => /^[=+\-@]/.test(n) && !/^\+\d+$/.test(n)));
  });

  it('sizes accounts very differently when given a count (Zipf-like)', () => {
    const split = zipfSplit(100_000, 50);
    assert.equal(
      split.reduce((a, b) => a + b, 0),
      100_000,
    );
    assert.ok(split[0] > 40 * split[49]);
    const perAccount = new Map<string, number>();
    for (const c of take(10_000, 3, 10)) perAccount.set(c.pvt_account_id, (perAccount.get(c.pvt_account_id) ?? 0) + 1);
    assert.deepEqual([...perAccount.values()], zipfSplit(10_000, 10));
  });

  it('uses explicit accounts as given', () => {
    const cdrs = take(0, 1, [{ id: 'ab'.repeat(16), calls: 3, timezone: 'Europe/London' }]);
    assert.equal(cdrs.length, 3);
    assert.ok(cdrs.every((c) => c.custom_channel_vars.account_id === 'ab'.repeat(16)));
  });
});

describe('demoParameters', () => {
  it('describes one 32-hex account with 20,000 calls over months ending now', () => {
    const now = new Date('2026-03-15T10:00:00Z');
    const p = demoParameters(undefined, now);
    assert.match(DEMO_ACCOUNT_ID, /^[0-9a-f]{32}$/);
    assert.deepEqual(p.accounts, [{ id: DEMO_ACCOUNT_ID, calls: 20_000, timezone: 'Pacific/Auckland' }]);
    assert.equal(p.to, now);
    assert.ok(now.getTime() - p.from.getTime() > 90 * 86_400_000);
  });
});

describe('prng helpers', () => {
  it('formats integers beyond 2^30 exactly as String() does', () => {
    for (const x of [0, 7, 999_999_999, 1e9, 63_924_921_565, 4_294_967_295, 2 ** 53 - 1]) assert.equal(decimal(x), String(x));
  });

  it('draws digit strings of the requested length, leading zeros kept', () => {
    const rng = new Prng(1);
    for (let n = 1; n <= 11; n++) assert.match(rng.digits(n), new RegExp(`^\\d{${n}}$`));
  });
});
