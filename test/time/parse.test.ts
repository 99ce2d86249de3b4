/** parseCallTime: both formats, both date orders, offsets, DST gaps and overlaps, and clear errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCallTime, InvalidTimeError, UnknownTimeZoneError, localToUtc, localSecondsOf, resolveLocal } from '../../src/time/index.js';

/** UTC epoch seconds of an ISO string with an explicit offset or Z. */
function utc(iso: string): number {
  return Date.parse(iso) / 1000;
}

test('Kazoo format follows the configured day/month order', () => {
  assert.equal(parseCallTime('08:00:00 04/03/2016', 'Pacific/Auckland', 'dmy'), utc('2016-03-04T08:00:00+13:00'));
  assert.equal(parseCallTime('08:00:00 03/04/2016', 'Pacific/Auckland', 'mdy'), utc('2016-03-04T08:00:00+13:00'));
  assert.equal(parseCallTime(' 23:59:59 31/12/2020 ', 'UTC', 'dmy'), utc('2020-12-31T23:59:59Z'));
});

test('ISO 8601 with Z, ±HH:MM, ±HHMM and without offset (local to the request zone)', () => {
  const nz = 'Pacific/Auckland';
  assert.equal(parseCallTime('2016-03-04T08:00:00+13:00', 'UTC', 'dmy'), utc('2016-03-03T19:00:00Z'));
  assert.equal(parseCallTime('2016-03-04T08:00:00+1300', 'UTC', 'dmy'), utc('2016-03-03T19:00:00Z'));
  assert.equal(parseCallTime('2016-03-04T08:00:00-05:30', nz, 'dmy'), utc('2016-03-04T13:30:00Z'));
  assert.equal(parseCallTime('2016-03-04T08:00Z', nz, 'mdy'), utc('2016-03-04T08:00:00Z'));
  assert.equal(parseCallTime('2016-03-04T08:00', nz, 'dmy'), utc('2016-03-04T08:00:00+13:00'));
  assert.equal(parseCallTime('2016-03-04 08:00:00', nz, 'dmy'), utc('2016-03-04T08:00:00+13:00'));
  assert.equal(parseCallTime('2016-03-04', nz, 'dmy'), utc('2016-03-04T00:00:00+13:00'));
  assert.equal(parseCallTime('1970-01-01T00:00:00-00:44:30', 'UTC', 'dmy'), 2670);
});

test('fractional seconds are truncated to the second, also before 1970', () => {
  assert.equal(parseCallTime('2021-01-01T00:00:00.999Z', 'UTC', 'dmy'), 1609459200);
  assert.equal(parseCallTime('1969-12-31T23:59:59.5Z', 'UTC', 'dmy'), -1);
});

test('GAP-FORWARD: a skipped local time moves forward by the gap', () => {
  assert.equal(parseCallTime('02:30:00 14/03/2021', 'America/New_York', 'dmy'), utc('2021-03-14T03:30:00-04:00'));
  assert.equal(parseCallTime('2016-09-25T02:30', 'Pacific/Auckland', 'dmy'), utc('2016-09-25T03:30:00+13:00'));
  assert.equal(parseCallTime('2021-10-03T02:15', 'Australia/Lord_Howe', 'dmy'), utc('2021-10-03T02:45:00+11:00'));
  // A skipped midnight: the date alone means the day's first instant, 01:00.
  assert.equal(parseCallTime('2018-11-04', 'America/Sao_Paulo', 'dmy'), utc('2018-11-04T01:00:00-02:00'));
  const r = resolveLocal(localSecondsOf(2021, 3, 14, 2, 30), 'America/New_York');
  assert.deepEqual(r, { kind: 'skipped', utc: utc('2021-03-14T07:30:00Z'), instants: [] });
});

test('OVERLAP-EARLIER: a repeated local time is its first occurrence', () => {
  assert.equal(parseCallTime('01:30:00 07/11/2021', 'America/New_York', 'dmy'), utc('2021-11-07T01:30:00-04:00'));
  assert.equal(parseCallTime('2016-04-03T02:30:00', 'Pacific/Auckland', 'dmy'), utc('2016-04-03T02:30:00+13:00'));
  assert.equal(parseCallTime('2021-11-07', 'America/Havana', 'dmy'), utc('2021-11-07T00:00:00-04:00'));
  const r = resolveLocal(localSecondsOf(2021, 11, 7, 1, 30), 'America/New_York');
  assert.deepEqual(r, {
    kind: 'repeated',
    utc: utc('2021-11-07T05:30:00Z'),
    instants: [utc('2021-11-07T05:30:00Z'), utc('2021-11-07T06:30:00Z')],
  });
  assert.equal(localToUtc(localSecondsOf(2021, 11, 7, 1, 30), 'America/New_York'), utc('2021-11-07T05:30:00Z'));
});

test('invalid times throw InvalidTimeError saying why', () => {
  const bad: [string, RegExp][] = [
    [
      '08:00:00 04/13/2016',
      /^not a time: month 13 is out of range 1-12 — dates are read day-first \(CALLSTATS_DATE_ORDER=dmy\); for 13 April 2016 write ISO 2016-04-13T08:00:00$/,
    ],
    [
      '2016-02-30',
      /^not a time: day 30 does not exist in 02\/2016 \(it has 29 days\) \(ISO 8601 is YYYY-MM-DD whatever CALLSTATS_DATE_ORDER says\)$/,
    ],
    ['00:00:00 31/02/2021', /day 31 does not exist in 02\/2021/],
    ['00:00:00 29/02/2100', /day 29 does not exist in 02\/2100/],
    ['24:00:00 04/03/2016', /^not a time: hour 24 is out of range 0-23$/],
    ['2016-03-04T10:60', /minute 60 is out of range/],
    ['2016-12-31T23:59:60Z', /second 60 is out of range/],
    ['2016-03-04T08:00+24:00', /offset '\+24:00' is out of range/],
    ['yesterday', /^not a time: expected 'HH:MM:SS DD\/MM\/YYYY' \(day-first, CALLSTATS_DATE_ORDER=dmy\) or ISO 8601 .*got 'yesterday'$/],
    ['', /got ''$/],
    ['2016-03-04T08', /expected/],
    ['2016-03-04Z', /expected/],
    ['08:00 04/03/2016', /expected/],
  ];
  for (const [value, why] of bad) {
    assert.throws(
      () => parseCallTime(value, 'UTC', 'dmy'),
      (e: unknown) => e instanceof InvalidTimeError && why.test(e.message),
      value,
    );
  }
  assert.throws(() => parseCallTime('x', 'UTC', 'mdy'), /expected 'HH:MM:SS MM\/DD\/YYYY'/);
  assert.throws(() => parseCallTime(42 as unknown as string, 'UTC', 'dmy'), /got number/);
  assert.throws(() => parseCallTime('2016-03-04', 'Mars/Olympus', 'dmy'), UnknownTimeZoneError);
});

test('a Kazoo-form date with day and month both ≤ 12 is read per the date order, as configured', () => {
  assert.equal(parseCallTime('00:00:00 10/01/2026', 'UTC', 'dmy'), utc('2026-01-10T00:00:00Z'));
  assert.equal(parseCallTime('00:00:00 10/01/2026', 'UTC', 'mdy'), utc('2026-10-01T00:00:00Z'));
});

test('every date error of the Kazoo form names CALLSTATS_DATE_ORDER and the ISO spelling', () => {
  const message = (value: string, order: 'dmy' | 'mdy') => {
    try {
      parseCallTime(value, 'UTC', order);
    } catch (e) {
      return (e as Error).message;
    }
    return 'parsed';
  };
  assert.equal(
    message('00:00:00 10/13/2026', 'dmy'),
    'not a time: month 13 is out of range 1-12 — dates are read day-first (CALLSTATS_DATE_ORDER=dmy); for 13 October 2026 write ISO 2026-10-13T00:00:00',
  );
  assert.equal(
    message('09:30:00 13/10/2026', 'mdy'),
    'not a time: month 13 is out of range 1-12 — dates are read month-first (CALLSTATS_DATE_ORDER=mdy); for 13 October 2026 write ISO 2026-10-13T09:30:00',
  );
  assert.equal(
    message('00:00:00 31/02/2021', 'dmy'),
    'not a time: day 31 does not exist in 02/2021 (it has 28 days) — dates are read day-first (CALLSTATS_DATE_ORDER=dmy); write ISO YYYY-MM-DDTHH:MM:SS to leave no doubt',
  );
  assert.equal(
    message('00:00:00 02/31/2021', 'dmy'),
    'not a time: month 31 is out of range 1-12 — dates are read day-first (CALLSTATS_DATE_ORDER=dmy); write ISO YYYY-MM-DDTHH:MM:SS to leave no doubt',
  );
  assert.equal(
    message('00:00:00 04/03/0000', 'mdy'),
    'not a time: year 0 is out of range 0001-9999 — dates are read month-first (CALLSTATS_DATE_ORDER=mdy); write ISO YYYY-MM-DDTHH:MM:SS to leave no doubt',
  );
  assert.equal(
    message('10/01/2026', 'mdy'),
    "not a time: expected 'HH:MM:SS MM/DD/YYYY' (month-first, CALLSTATS_DATE_ORDER=mdy) or ISO 8601 ('YYYY-MM-DDTHH:MM:SS[±HH:MM]'), got '10/01/2026'",
  );
  // ISO is year-month-day whatever the setting, and its errors say so.
  assert.equal(
    message('2026-13-10', 'dmy'),
    'not a time: month 13 is out of range 1-12 (ISO 8601 is YYYY-MM-DD whatever CALLSTATS_DATE_ORDER says)',
  );
});
