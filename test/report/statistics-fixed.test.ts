/**
 * Exact answers of statistics() on a real DuckDB store (SPEC 2.4, 2.6): the Kazoo worked example,
 * grouping by every groupable field with its key format, every metric, the empty answer and the
 * too-many-buckets 400. Values are written out by hand.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { CallstatsError } from '../../src/core/errors.js';
import { groupableFieldNames } from '../../src/query/fields.js';
import { parseQuery } from '../../src/query/parse-query.js';
import { MAX_BUCKETS, statistics } from '../../src/report/statistics.js';
import { isValidTimeZone, parseCallTime, type Period } from '../../src/time/index.js';
import { freshStore } from '../helpers/store.js';
import { call } from '../helpers/call.js';

const CONFIG = { dateOrder: 'dmy', weekStart: 'monday' } as const;
// Kazoo's documented example: six calls from 08:00 04/03/2016 in Pacific/Auckland (+13:00).
const T0 = Date.UTC(2016, 2, 3, 19, 0, 0) / 1000;
const DURATIONS = [5, 6, 6, 7, 11, 79];
const KEY = '08:00:00 04/03/2016';

describe('statistics() exact answers (DuckDB)', () => {
  let t: Awaited<ReturnType<typeof freshStore>>;
  let nz: number; // zone id of +643412 (New Zealand Balclutha)
  let au: number; // zone id of +612 9999 (Australia Terrey Hills)
  before(async () => {
    t = await freshStore();
    nz = t.zones.zoneOf('+6434123456')!;
    au = t.zones.zoneOf('+61299990000')!;
    // The first call is unanswered; calls alternate direction; zones and causes vary, some missing.
    const calls: Call[] = DURATIONS.map((d, i) =>
      call({
        account_id: 'kazoo',
        call_id: `k${i}`,
        call_time: T0 + i * 300,
        call_direction: i % 2 ? 'outbound' : 'inbound',
        caller_zone_id: i < 2 ? nz : i < 3 ? au : null,
        callee_zone_id: i === 5 ? au : null,
        duration_seconds: d,
        billing_seconds: i === 0 ? 0 : d,
        ringing_seconds: i,
        unanswered: i === 0,
        hangup_cause: i === 0 ? 'NO_ANSWER' : i === 1 ? null : 'NORMAL_CLEARING',
        // Kazoo's fields: two interactions of two legs each (k0+k1, k2+k3), then two legs without one.
        interaction_id: i < 4 ? `63618364800-ia${Math.floor(i / 2)}` : null,
        resource_type: i < 4 ? (i % 2 ? 'offnet-termination' : 'offnet-origination') : null,
        authorizing_type: i % 3 === 0 ? 'device' : 'account',
        owner_id: i === 4 ? 'user-1' : null,
        hangup_code: i === 0 ? 'sip:487' : 'sip:200',
        disposition: i === 0 ? null : 'ANSWER',
        media_server: i < 3 ? 'fs1.example' : 'fs2.example',
      }),
    );
    await t.store.insertCalls(calls);
  });
  after(() => t.cleanup());

  function ask(period: Period, q: object, account = 'kazoo') {
    const query = parseQuery(q, { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, tz) => parseCallTime(v, tz, 'dmy') });
    return statistics(t.store, account, period, query, CONFIG);
  }
  const stat = (total: number, max: number, min: number, median: number, mean: number) => ({
    total,
    duration_seconds: { max, min, median, mean },
  });

  test('the Kazoo worked example: six calls of 5..79 s give median 6.5 and mean 19', async () => {
    assert.deepEqual(await ask('hourly', { timezone: 'Pacific/Auckland', grouping: 'unanswered' }), {
      [KEY]: { ...stat(6, 79, 5, 6.5, 19), groups: { '0': stat(5, 79, 6, 7, 21.8), '1': stat(1, 5, 5, 5, 5) } },
    });
  });

  test('grouping by each groupable field: keys are text, "0"/"1" for booleans, "null" when missing', async () => {
    const groups = async (field: string) => {
      const answer = await ask('daily', { timezone: 'Pacific/Auckland', grouping: field });
      assert.deepEqual(Object.keys(answer), ['00:00:00 04/03/2016']);
      assert.deepEqual(answer['00:00:00 04/03/2016'].total, 6);
      return Object.fromEntries(Object.entries(answer['00:00:00 04/03/2016'].groups!).map(([k, v]) => [k, v.total]));
    };
    const expected: Record<string, Record<string, number>> = {
      call_direction: { inbound: 3, outbound: 3 },
      caller_zone_id: { [nz]: 2, [au]: 1, null: 3 },
      callee_zone_id: { [au]: 1, null: 5 },
      unanswered: { '0': 5, '1': 1 },
      hangup_cause: { NO_ANSWER: 1, NORMAL_CLEARING: 4, null: 1 },
      caller_country: { 'New Zealand': 2, Australia: 1, null: 3 },
      callee_country: { Australia: 1, null: 5 },
      caller_region: { 'New Zealand Balclutha': 2, 'Australia Terrey Hills': 1, null: 3 },
      callee_region: { 'Australia Terrey Hills': 1, null: 5 },
      resource_type: { 'offnet-origination': 2, 'offnet-termination': 2, null: 2 },
      authorizing_type: { device: 2, account: 4 },
      owner_id: { 'user-1': 1, null: 5 },
      hangup_code: { 'sip:487': 1, 'sip:200': 5 },
      disposition: { ANSWER: 5, null: 1 },
      media_server: { 'fs1.example': 3, 'fs2.example': 3 },
    };
    assert.deepEqual(Object.keys(expected).sort(), groupableFieldNames().sort(), 'every groupable field is covered');
    for (const [field, want] of Object.entries(expected)) assert.deepEqual(await groups(field), want, field);
    // A group carries full statistics too.
    const byRegion = await ask('daily', { timezone: 'Pacific/Auckland', grouping: 'caller_region' });
    assert.deepEqual(byRegion['00:00:00 04/03/2016'].groups!['New Zealand Balclutha'], stat(2, 6, 5, 5.5, 5.5));
  });

  test('every metric, exact: answered, calls, asr, acd, billing_seconds, percentiles', async () => {
    const metrics = ['answered', 'calls', 'asr', 'acd', 'billing_seconds', 'percentiles'];
    assert.deepEqual(await ask('monthly', { timezone: 'Pacific/Auckland', metrics, time_format: 'iso' }), {
      '2016-03-01T00:00:00+13:00': {
        ...stat(6, 79, 5, 6.5, 19),
        answered: 5,
        calls: 4,
        asr: 5 / 6,
        acd: 109 / 5,
        billing_seconds: { max: 79, min: 0, median: 6.5, mean: 109 / 6, sum: 109 },
        percentiles: { p90: 45, p95: 62, p99: 75.6 },
      },
    });
    // acd is null when nothing was answered; asr is then 0.
    const none = await ask('hourly', {
      timezone: 'UTC',
      metrics: ['acd', 'asr', 'answered'],
      filters: [{ name: 'unanswered', op: 'eq', val: true }],
    });
    assert.deepEqual(none, { '19:00:00 03/03/2016': { ...stat(1, 5, 5, 5, 5), answered: 0, asr: 0, acd: null } });
  });

  test('nothing matched is {} (an unknown account, a filter that excludes everything)', async () => {
    assert.deepEqual(await ask('hourly', {}, 'nobody'), {});
    assert.deepEqual(await ask('daily', { grouping: 'hangup_cause', filters: [{ name: 'duration_seconds', op: '>', val: 79 }] }), {});
    assert.deepEqual(await ask('daily', { filters: [{ or: [] }] }), {});
  });

  test('a zone id missing from the zone table reads as no zone: region and country are both "null"', async () => {
    // docs/filters.md: a zone field is NULL when the call has no zone; an id the table does not
    // hold (a deleted zone, calls copied from another store) must not become a region " ".
    await t.store.insertCalls([
      call({
        account_id: 'ghost',
        call_id: 'g1',
        call_time: T0,
        caller_zone_id: 2_000_000_000,
        duration_seconds: 1,
        billing_seconds: 1,
      }),
    ]);
    for (const grouping of ['caller_country', 'caller_region']) {
      const answer = await ask('daily', { grouping }, 'ghost');
      assert.deepEqual(Object.keys(answer['00:00:00 03/03/2016'].groups!), ['null'], grouping);
    }
    assert.deepEqual(await ask('daily', { filters: [{ name: 'caller_region', op: 'is_not_null' }] }, 'ghost'), {});
  });

  test(`more than ${MAX_BUCKETS} buckets is a 400 that says to narrow call_time`, async () => {
    const far = (id: string, year: number): Call =>
      call({
        account_id: 'wide',
        call_id: id,
        call_time: Date.UTC(year, 0, 1) / 1000,
        duration_seconds: 1,
        billing_seconds: 1,
      });
    await t.store.insertCalls([far('a', 2000), far('b', 2012)]); // ~105,000 hours apart
    await assert.rejects(ask('hourly', {}, 'wide'), (e: unknown) => {
      assert.ok(e instanceof CallstatsError);
      assert.equal(e.status, 400);
      assert.equal(e.code, 'ERR_TOO_MANY_BUCKETS');
      assert.match(JSON.stringify(e.data), /narrow call_time/);
      return true;
    });
    // The same calls daily are 4,384 buckets: fine, and only the two non-empty ones are answered.
    assert.deepEqual(Object.keys(await ask('daily', {}, 'wide')), ['00:00:00 01/01/2000', '00:00:00 01/01/2012']);
  });
});
