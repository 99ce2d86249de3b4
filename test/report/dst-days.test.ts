/**
 * Exact answers of statistics() on a real DuckDB store on DST days, in half- and quarter-hour zones,
 * for every period, both week starts, ISO keys and the mdy date order (SPEC 2.4, docs/time.md).
 * Expected keys and counts are worked out by hand from the zones' rules, not computed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { parseQuery } from '../../src/query/parse-query.js';
import { statistics } from '../../src/report/statistics.js';
import { isValidTimeZone, parseCallTime, type Period } from '../../src/time/index.js';
import { freshStore } from '../helpers/store.js';
import { call as baseCall } from '../helpers/call.js';

type Config = { dateOrder: 'dmy' | 'mdy'; weekStart: 'monday' | 'sunday' };
const DMY: Config = { dateOrder: 'dmy', weekStart: 'monday' };

const utc = (iso: string) => Date.parse(iso) / 1000;
let seq = 0;
function call(account: string, at: string, duration = 60): Call {
  return baseCall({
    account_id: account,
    call_id: `k${seq++}`,
    call_time: utc(at),
    duration_seconds: duration,
    billing_seconds: duration,
  });
}
/** Calls at `from` and every `step` seconds before `to` (UTC ISO strings). */
function every(account: string, from: string, to: string, step = 3600): Call[] {
  const out: Call[] = [];
  for (let s = utc(from); s < utc(to); s += step) out.push(call(account, new Date(s * 1000).toISOString()));
  return out;
}
const hourKeys = (hours: number[], date: string) => hours.map((h) => `${String(h).padStart(2, '0')}:00:00 ${date}`);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('statistics() on DST days and odd offsets (DuckDB)', () => {
  let t: Awaited<ReturnType<typeof freshStore>>;
  before(async () => {
    t = await freshStore();
  });
  after(() => t.cleanup());

  // Each test stores its calls under its own account; later asks on the same account add nothing.
  let account = '';
  async function ask(calls: Call[], period: Period, q: object, config: Config = DMY) {
    if (calls.length > 0) {
      account = calls[0].account_id;
      await t.store.insertCalls(calls);
    }
    const query = parseQuery(q, { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, tz) => parseCallTime(v, tz, config.dateOrder) });
    return statistics(t.store, account, period, query, config);
  }
  const totals = (a: Record<string, { total: number }>) => Object.entries(a).map(([k, v]) => [k, v.total]);

  test('Pacific/Auckland 2016-04-03 fall-back: one 02:00 bucket holds both 02:xx hours; the day has 25 h', async () => {
    // Local day = [2016-04-02T11:00Z (+13), 2016-04-03T12:00Z (+12)); a call at :30 of every UTC hour.
    const calls = [
      call('nz-fall', '2016-04-02T10:59:59Z'),
      ...every('nz-fall', '2016-04-02T11:30Z', '2016-04-03T12:00Z'),
      call('nz-fall', '2016-04-03T12:00:00Z'),
    ];
    const tz = 'Pacific/Auckland';
    const hourly = await ask(calls, 'hourly', { timezone: tz });
    assert.deepEqual(totals(hourly), [
      ['23:00:00 02/04/2016', 1],
      ...hourKeys(range(0, 23), '03/04/2016').map((k, h) => [k, h === 2 ? 2 : 1]),
      ['00:00:00 04/04/2016', 1],
    ]);
    assert.deepEqual(totals(await ask([], 'daily', { timezone: tz })), [
      ['00:00:00 02/04/2016', 1],
      ['00:00:00 03/04/2016', 25],
      ['00:00:00 04/04/2016', 1],
    ]);
    const iso = Object.keys(await ask([], 'hourly', { timezone: tz, time_format: 'iso' }));
    assert.deepEqual(iso.slice(2, 5), ['2016-04-03T01:00:00+13:00', '2016-04-03T02:00:00+13:00', '2016-04-03T03:00:00+12:00']);
  });

  test('Pacific/Auckland 2016-09-25 spring-forward: no 02:00 bucket, 23 h day, transition ±1 s', async () => {
    // 02:00 NZST (+12) jumps to 03:00 NZDT (+13) at 2016-09-24T14:00Z.
    const calls = [
      ...every('nz-spring', '2016-09-24T12:30Z', '2016-09-25T11:00Z'),
      call('nz-spring', '2016-09-24T13:59:59Z'),
      call('nz-spring', '2016-09-24T14:00:00Z'),
    ];
    const hourly = await ask(calls, 'hourly', { timezone: 'Pacific/Auckland' });
    assert.deepEqual(
      totals(hourly),
      hourKeys([0, 1, ...range(3, 23)], '25/09/2016').map((k) => [k, k.startsWith('01') || k.startsWith('03') ? 2 : 1]),
    );
    assert.deepEqual(totals(await ask([], 'daily', { timezone: 'Pacific/Auckland' })), [['00:00:00 25/09/2016', 25]]);
  });

  test('America/New_York 2021-03-14 (no 02:00) and 2021-11-07 (01:00 twice)', async () => {
    const tz = 'America/New_York';
    const spring = await ask([call('ny', '2021-03-14T06:59:59Z'), call('ny', '2021-03-14T07:00:00Z')], 'hourly', {
      timezone: tz,
      time_format: 'iso',
    });
    assert.deepEqual(totals(spring), [
      ['2021-03-14T01:00:00-05:00', 1],
      ['2021-03-14T03:00:00-04:00', 1],
    ]);
    const fall = await ask(
      [call('ny2', '2021-11-07T05:30Z', 10), call('ny2', '2021-11-07T06:30Z', 20), call('ny2', '2021-11-07T07:00Z')],
      'hourly',
      { timezone: tz },
    );
    assert.deepEqual(fall['01:00:00 07/11/2021'], { total: 2, duration_seconds: { max: 20, min: 10, median: 15, mean: 15 } });
    assert.deepEqual(Object.keys(fall), ['01:00:00 07/11/2021', '02:00:00 07/11/2021']);
    // Hourly calls through both local days: 23 and 25 hours.
    const days = await ask(
      [...every('ny3', '2021-03-14T05:00Z', '2021-03-15T04:00Z'), ...every('ny3', '2021-11-07T04:00Z', '2021-11-08T05:00Z')],
      'daily',
      { timezone: tz },
    );
    assert.deepEqual(totals(days), [
      ['00:00:00 14/03/2021', 23],
      ['00:00:00 07/11/2021', 25],
    ]);
  });

  test('Europe/London 2021-03-28 (01:00 skipped) and 2021-10-31 (01:00 twice, offsets in iso keys)', async () => {
    const tz = 'Europe/London';
    const spring = await ask([call('uk', '2021-03-28T00:59:59Z'), call('uk', '2021-03-28T01:00:00Z')], 'hourly', { timezone: tz });
    assert.deepEqual(Object.keys(spring), ['00:00:00 28/03/2021', '02:00:00 28/03/2021']);
    const fall = await ask(
      [call('uk2', '2021-10-31T00:30Z'), call('uk2', '2021-10-31T01:30Z'), call('uk2', '2021-10-31T02:00Z')],
      'hourly',
      { timezone: tz, time_format: 'iso' },
    );
    assert.deepEqual(totals(fall), [
      ['2021-10-31T01:00:00+01:00', 2],
      ['2021-10-31T02:00:00+00:00', 1],
    ]);
  });

  test('Australia/Lord_Howe 2021-04-04: the 01:00 bucket lasts 1.5 h; the day 24.5 h', async () => {
    // 02:00 (+11) falls back to 01:30 (+10:30) at 2021-04-03T15:00Z.
    const tz = 'Australia/Lord_Howe';
    const calls = ['14:10', '14:50', '15:10', '15:29:59', '15:30'].map((hm) => call('lh', `2021-04-03T${hm}Z`));
    assert.deepEqual(totals(await ask(calls, 'hourly', { timezone: tz, time_format: 'iso' })), [
      ['2021-04-04T01:00:00+11:00', 4],
      ['2021-04-04T02:00:00+10:30', 1],
    ]);
    // Every 30 min through the local day [2021-04-03T13:00Z, 2021-04-04T13:30Z): 49 calls = 24.5 h.
    const day = await ask(every('lh2', '2021-04-03T13:00Z', '2021-04-04T13:30Z', 1800), 'daily', { timezone: tz });
    assert.deepEqual(totals(day), [['00:00:00 04/04/2021', 49]]);
  });

  test('Australia/Lord_Howe 2021-10-03: 02:00–02:29 skipped, the 02:00 bucket lasts half an hour', async () => {
    // 02:00 (+10:30) jumps to 02:30 (+11) at 2021-10-02T15:30Z.
    const calls = ['15:29:59', '15:30:00', '15:59:59', '16:00:00'].map((hms) => call('lh3', `2021-10-02T${hms}Z`));
    assert.deepEqual(totals(await ask(calls, 'hourly', { timezone: 'Australia/Lord_Howe', time_format: 'iso' })), [
      ['2021-10-03T01:00:00+10:30', 1],
      ['2021-10-03T02:00:00+11:00', 2],
      ['2021-10-03T03:00:00+11:00', 1],
    ]);
  });

  test('Asia/Kolkata, Asia/Kathmandu and Pacific/Chatham bucket on their own local hours', async () => {
    const at = ['09:29:59', '09:30:00', '10:00:00', '10:14:59', '10:15:00'].map((hms) => call('in', `2021-06-01T${hms}Z`));
    assert.deepEqual(totals(await ask(at, 'hourly', { timezone: 'Asia/Kolkata' })), [
      ['14:00:00 01/06/2021', 1],
      ['15:00:00 01/06/2021', 4],
    ]);
    assert.deepEqual(totals(await ask([], 'hourly', { timezone: 'Asia/Kathmandu', time_format: 'iso' })), [
      ['2021-06-01T15:00:00+05:45', 4],
      ['2021-06-01T16:00:00+05:45', 1],
    ]);
    assert.deepEqual(totals(await ask([], 'hourly', { timezone: 'Pacific/Chatham' })), [
      ['22:00:00 01/06/2021', 4],
      ['23:00:00 01/06/2021', 1],
    ]);
    // Kolkata's local midnight is 18:30Z.
    const day = await ask([call('in2', '2021-06-01T18:29:59Z'), call('in2', '2021-06-01T18:30:00Z')], 'daily', {
      timezone: 'Asia/Kolkata',
    });
    assert.deepEqual(Object.keys(day), ['00:00:00 01/06/2021', '00:00:00 02/06/2021']);
  });

  test('weekly buckets start on Monday or Sunday (q.week_start, else the configured default)', async () => {
    // 2021-06-05 is a Saturday, 06-06 a Sunday, 06-07 a Monday.
    const calls = ['05', '06', '07'].map((d) => call('wk', `2021-06-${d}T12:00:00Z`));
    assert.deepEqual(totals(await ask(calls, 'weekly', {})), [
      ['00:00:00 31/05/2021', 2],
      ['00:00:00 07/06/2021', 1],
    ]);
    const sunday = [
      ['00:00:00 30/05/2021', 1],
      ['00:00:00 06/06/2021', 2],
    ];
    assert.deepEqual(totals(await ask([], 'weekly', { week_start: 'sunday' })), sunday);
    assert.deepEqual(totals(await ask([], 'weekly', {}, { dateOrder: 'dmy', weekStart: 'sunday' })), sunday);
    assert.deepEqual(totals(await ask([], 'weekly', { week_start: 'monday' }, { dateOrder: 'dmy', weekStart: 'sunday' })), [
      ['00:00:00 31/05/2021', 2],
      ['00:00:00 07/06/2021', 1],
    ]);
    // In Auckland (+12) Sunday 12:00Z is already Monday: all three fall in different local days.
    assert.deepEqual(totals(await ask([], 'weekly', { timezone: 'Pacific/Auckland' })), [
      ['00:00:00 31/05/2021', 1],
      ['00:00:00 07/06/2021', 2],
    ]);
  });

  test('monthly buckets follow the local calendar; a skipped midnight still keys 00:00:00 (iso: offset after the jump)', async () => {
    const nz = await ask([call('mo', '2021-05-31T11:59:59Z'), call('mo', '2021-05-31T12:00:00Z')], 'monthly', {
      timezone: 'Pacific/Auckland',
      time_format: 'iso',
    });
    assert.deepEqual(Object.keys(nz), ['2021-05-01T00:00:00+12:00', '2021-06-01T00:00:00+12:00']);
    // Sao Paulo 2018-11-04: 00:00 (-03) jumped to 01:00 (-02) at 03:00Z.
    const sp = [call('sp', '2018-11-04T02:59:59Z'), call('sp', '2018-11-04T03:00:00Z')];
    assert.deepEqual(Object.keys(await ask(sp, 'daily', { timezone: 'America/Sao_Paulo', time_format: 'iso' })), [
      '2018-11-03T00:00:00-03:00',
      '2018-11-04T00:00:00-02:00',
    ]);
    assert.deepEqual(Object.keys(await ask([], 'daily', { timezone: 'America/Sao_Paulo' })), [
      '00:00:00 03/11/2018',
      '00:00:00 04/11/2018',
    ]);
    assert.deepEqual(Object.keys(await ask([], 'monthly', { timezone: 'America/Sao_Paulo' })), ['00:00:00 01/11/2018']);
  });

  test('mdy date order: keys read MM/DD and call_time filters are parsed MM/DD', async () => {
    const mdy: Config = { dateOrder: 'mdy', weekStart: 'monday' };
    const calls = [call('us', '2021-01-06T12:00:00Z'), call('us', '2021-06-01T10:00:00Z')];
    const all = await ask(calls, 'hourly', { timezone: 'Asia/Kolkata' }, mdy);
    assert.deepEqual(Object.keys(all), ['17:00:00 01/06/2021', '15:00:00 06/01/2021']);
    const june = await ask(
      [],
      'daily',
      { timezone: 'Asia/Kolkata', filters: [{ name: 'call_time', op: '>=', val: '00:00:00 06/01/2021' }] },
      mdy,
    );
    assert.deepEqual(totals(june), [['00:00:00 06/01/2021', 1]]);
  });
});
