/** Exact buckets, keys and day lengths on DST transition days in zones with awkward rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bucketStartLocal,
  formatBucketKey,
  localSecondsOf,
  localToUtc,
  offsetAt,
  offsetSegments,
  type Period,
} from '../../src/time/index.js';

/** UTC epoch seconds of an ISO string with an explicit offset or Z. */
function utc(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test date ${iso}`);
  return ms / 1000;
}

/**
 * Simulates a call every `stepSeconds` over [from, to) UTC and returns each bucket key (in order of
 * first appearance) with the number of calls in it — what the statistics endpoint would bucket.
 */
function bucketCounts(
  tz: string,
  period: Period,
  from: number,
  to: number,
  stepSeconds = 300,
  format: 'kazoo' | 'iso' = 'kazoo',
): [string, number][] {
  const counts = new Map<string, number>();
  for (let t = from; t < to; t += stepSeconds) {
    const key = formatBucketKey(bucketStartLocal(t + offsetAt(tz, t), period, 'monday'), tz, format, 'dmy');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts];
}

function hours(from: number, to: number): number {
  return (to - from) / 3600;
}

/** UTC bounds [start, end) of a local calendar day (rules OVERLAP-EARLIER / GAP-FORWARD at midnight). */
function localDay(tz: string, y: number, m: number, d: number): [number, number] {
  const start = localSecondsOf(y, m, d);
  return [localToUtc(start, tz), localToUtc(start + 86400, tz)];
}

function hourLabels(n: number[], date: string): string[] {
  return n.map((h) => `${String(h).padStart(2, '0')}:00:00 ${date}`);
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

test('Pacific/Auckland 2016-04-03 fall-back: 25 h day, hour 02 is one bucket holding two hours', () => {
  const tz = 'Pacific/Auckland';
  const [from, to] = localDay(tz, 2016, 4, 3);
  assert.deepEqual([from, to], [utc('2016-04-02T11:00Z'), utc('2016-04-03T12:00Z')]);
  assert.equal(hours(from, to), 25);
  const counts = bucketCounts(tz, 'hourly', from, to);
  assert.deepEqual(
    counts.map(([k]) => k),
    hourLabels(range(0, 23), '03/04/2016'),
  );
  assert.deepEqual(
    counts.map(([, n]) => n),
    range(0, 23).map((h) => (h === 2 ? 24 : 12)),
  );
  assert.deepEqual(offsetSegments(tz, from, to), [
    { start: from, end: utc('2016-04-02T14:00Z'), offset: 46800 },
    { start: utc('2016-04-02T14:00Z'), end: to, offset: 43200 },
  ]);
  const iso = bucketCounts(tz, 'hourly', from, to, 300, 'iso').map(([k]) => k);
  assert.deepEqual(iso.slice(1, 5), [
    '2016-04-03T01:00:00+13:00',
    '2016-04-03T02:00:00+13:00',
    '2016-04-03T03:00:00+12:00',
    '2016-04-03T04:00:00+12:00',
  ]);
  assert.deepEqual(bucketCounts(tz, 'daily', from, to, 300, 'iso'), [['2016-04-03T00:00:00+13:00', 300]]);
});

test('Pacific/Auckland 2016-09-25 spring-forward: 23 h day, no 02:00 bucket', () => {
  const tz = 'Pacific/Auckland';
  const [from, to] = localDay(tz, 2016, 9, 25);
  assert.deepEqual([from, to], [utc('2016-09-24T12:00Z'), utc('2016-09-25T11:00Z')]);
  const counts = bucketCounts(tz, 'hourly', from, to);
  assert.deepEqual(
    counts.map(([k]) => k),
    hourLabels([0, 1, ...range(3, 23)], '25/09/2016'),
  );
  assert.ok(counts.every(([, n]) => n === 12));
  assert.deepEqual(
    bucketCounts(tz, 'hourly', from, to, 300, 'iso')
      .slice(1, 3)
      .map(([k]) => k),
    ['2016-09-25T01:00:00+12:00', '2016-09-25T03:00:00+13:00'],
  );
});

test('America/New_York 2021-03-14 (23 h, no 02) and 2021-11-07 (25 h, 01 repeated)', () => {
  const tz = 'America/New_York';
  const [a, b] = localDay(tz, 2021, 3, 14);
  assert.deepEqual([a, b, hours(a, b)], [utc('2021-03-14T05:00Z'), utc('2021-03-15T04:00Z'), 23]);
  assert.deepEqual(
    bucketCounts(tz, 'hourly', a, b).map(([k]) => k),
    hourLabels([0, 1, ...range(3, 23)], '14/03/2021'),
  );
  const [c, d] = localDay(tz, 2021, 11, 7);
  assert.deepEqual([c, d, hours(c, d)], [utc('2021-11-07T04:00Z'), utc('2021-11-08T05:00Z'), 25]);
  const fall = bucketCounts(tz, 'hourly', c, d, 300, 'iso');
  assert.equal(fall.length, 24);
  assert.deepEqual(fall.slice(1, 3), [
    ['2021-11-07T01:00:00-04:00', 24],
    ['2021-11-07T02:00:00-05:00', 12],
  ]);
});

test('Europe/London 2021-03-28 (no 01 bucket) and 2021-10-31 (01 repeated, keyed +01:00)', () => {
  const tz = 'Europe/London';
  const [a, b] = localDay(tz, 2021, 3, 28);
  assert.equal(hours(a, b), 23);
  assert.deepEqual(
    bucketCounts(tz, 'hourly', a, b, 300, 'iso')
      .slice(0, 3)
      .map(([k]) => k),
    ['2021-03-28T00:00:00+00:00', '2021-03-28T02:00:00+01:00', '2021-03-28T03:00:00+01:00'],
  );
  const [c, d] = localDay(tz, 2021, 10, 31);
  assert.deepEqual([c, d, hours(c, d)], [utc('2021-10-30T23:00Z'), utc('2021-11-01T00:00Z'), 25]);
  assert.deepEqual(bucketCounts(tz, 'hourly', c, d, 300, 'iso').slice(0, 3), [
    ['2021-10-31T00:00:00+01:00', 12],
    ['2021-10-31T01:00:00+01:00', 24],
    ['2021-10-31T02:00:00+00:00', 12],
  ]);
});

test('Australia/Lord_Howe half-hour DST: 2021-04-04 is 24.5 h, 2021-10-03 is 23.5 h', () => {
  const tz = 'Australia/Lord_Howe';
  const [a, b] = localDay(tz, 2021, 4, 4);
  assert.deepEqual([a, b, hours(a, b)], [utc('2021-04-03T13:00Z'), utc('2021-04-04T13:30Z'), 24.5]);
  // 01:00–02:00 +11 then 01:30–02:00 again at +10:30: 90 minutes in hour 01.
  assert.deepEqual(bucketCounts(tz, 'hourly', a, b, 300, 'iso').slice(0, 3), [
    ['2021-04-04T00:00:00+11:00', 12],
    ['2021-04-04T01:00:00+11:00', 18],
    ['2021-04-04T02:00:00+10:30', 12],
  ]);
  const [c, d] = localDay(tz, 2021, 10, 3);
  assert.deepEqual([c, d, hours(c, d)], [utc('2021-10-02T13:30Z'), utc('2021-10-03T13:00Z'), 23.5]);
  // 02:00–02:30 is skipped: hour 02 exists but holds only 02:30–03:00; its start does not exist, so
  // the ISO key takes the offset after the jump (GAP-FORWARD).
  assert.deepEqual(bucketCounts(tz, 'hourly', c, d, 300, 'iso').slice(1, 4), [
    ['2021-10-03T01:00:00+10:30', 12],
    ['2021-10-03T02:00:00+11:00', 6],
    ['2021-10-03T03:00:00+11:00', 12],
  ]);
  assert.deepEqual(bucketCounts(tz, 'hourly', c, d).slice(2, 3), [['02:00:00 03/10/2021', 6]]);
});

test('Asia/Kolkata (+05:30) and Asia/Kathmandu (+05:45) bucket on their own local hours', () => {
  const t0 = utc('2021-06-01T00:00Z');
  assert.deepEqual(bucketCounts('Asia/Kolkata', 'hourly', t0, t0 + 7200, 300, 'iso'), [
    ['2021-06-01T05:00:00+05:30', 6],
    ['2021-06-01T06:00:00+05:30', 12],
    ['2021-06-01T07:00:00+05:30', 6],
  ]);
  assert.deepEqual(bucketCounts('Asia/Kathmandu', 'hourly', t0, t0 + 7200), [
    ['05:00:00 01/06/2021', 3],
    ['06:00:00 01/06/2021', 12],
    ['07:00:00 01/06/2021', 9],
  ]);
  assert.equal(localToUtc(localSecondsOf(2021, 6, 1, 5), 'Asia/Kathmandu'), utc('2021-05-31T23:15Z'));
  assert.deepEqual(offsetSegments('Asia/Kathmandu', 0, utc('2030-01-01T00:00Z')), [
    { start: 0, end: utc('1985-12-31T18:30Z'), offset: 19800 },
    { start: utc('1985-12-31T18:30Z'), end: utc('2030-01-01T00:00Z'), offset: 20700 },
  ]);
});

test('Pacific/Chatham 03:45 +13:45 → 02:45 +12:45 on 2021-04-04: 02:45–03:45 repeated across two hours', () => {
  const tz = 'Pacific/Chatham';
  const [a, b] = localDay(tz, 2021, 4, 4);
  assert.equal(hours(a, b), 25);
  // Hour 02 gets 02:45–03:00 twice (60 + 15 min), hour 03 gets 03:00–03:45 twice (45 + 60 min).
  assert.deepEqual(bucketCounts(tz, 'hourly', a, b, 300, 'iso').slice(2, 5), [
    ['2021-04-04T02:00:00+13:45', 15],
    ['2021-04-04T03:00:00+13:45', 21],
    ['2021-04-04T04:00:00+12:45', 12],
  ]);
});

test('America/Sao_Paulo 2018-11-04 skipped midnight: the day starts at 01:00, its key still reads 00:00:00', () => {
  const tz = 'America/Sao_Paulo';
  const [a, b] = localDay(tz, 2018, 11, 4);
  assert.deepEqual([a, b, hours(a, b)], [utc('2018-11-04T03:00Z'), utc('2018-11-05T02:00Z'), 23]);
  const hourly = bucketCounts(tz, 'hourly', a, b).map(([k]) => k);
  assert.deepEqual(hourly, hourLabels(range(1, 23), '04/11/2018'));
  assert.deepEqual(bucketCounts(tz, 'daily', a - 3600, b), [
    ['00:00:00 03/11/2018', 12],
    ['00:00:00 04/11/2018', 276],
  ]);
  assert.deepEqual(bucketCounts(tz, 'daily', a, a + 1, 1, 'iso'), [['2018-11-04T00:00:00-02:00', 1]]);
  const sunday = localSecondsOf(2018, 11, 4);
  assert.equal(formatBucketKey(sunday, tz, 'kazoo', 'mdy'), '00:00:00 11/04/2018');
  assert.equal(formatBucketKey(sunday, tz, 'iso', 'dmy'), '2018-11-04T00:00:00-02:00');
});

test('America/Santiago 2022-09-11 and America/Havana 2021-03-14 skip midnight; Havana 2021-11-07 repeats it', () => {
  const [a, b] = localDay('America/Santiago', 2022, 9, 11);
  assert.deepEqual([a, hours(a, b)], [utc('2022-09-11T04:00Z'), 23]);
  const [c, d] = localDay('America/Havana', 2021, 3, 14);
  assert.deepEqual([c, hours(c, d)], [utc('2021-03-14T05:00Z'), 23]);
  const [e, f] = localDay('America/Havana', 2021, 11, 7);
  assert.deepEqual([e, f, hours(e, f)], [utc('2021-11-07T04:00Z'), utc('2021-11-08T05:00Z'), 25]);
  assert.deepEqual(bucketCounts('America/Havana', 'hourly', e, f, 300, 'iso').slice(0, 2), [
    ['2021-11-07T00:00:00-04:00', 24],
    ['2021-11-07T01:00:00-05:00', 12],
  ]);
  assert.deepEqual(
    bucketCounts('America/Havana', 'daily', e - 1, e + 1, 1, 'iso').map(([k]) => k),
    ['2021-11-06T00:00:00-04:00', '2021-11-07T00:00:00-04:00'],
  );
});

test('Pacific/Apia skipped all of 2011-12-30 (−10:00 → +14:00): that day is empty, its neighbours whole', () => {
  const tz = 'Pacific/Apia';
  const [a, b] = localDay(tz, 2011, 12, 30);
  assert.deepEqual([a, b], [utc('2011-12-30T10:00Z'), utc('2011-12-30T10:00Z')]);
  const [c, d] = localDay(tz, 2011, 12, 29);
  assert.deepEqual([c, d, hours(c, d)], [utc('2011-12-29T10:00Z'), a, 24]);
  assert.deepEqual(bucketCounts(tz, 'daily', c, b + 86400, 3600), [
    ['00:00:00 29/12/2011', 24],
    ['00:00:00 31/12/2011', 24],
  ]);
});
