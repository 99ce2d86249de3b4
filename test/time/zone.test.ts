/** Zone names, offsets and offset segments: exact transition seconds and speed over long ranges. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalTimeZone, isValidTimeZone, offsetAt, offsetSegments, UnknownTimeZoneError } from '../../src/time/index.js';

/** UTC epoch seconds of an ISO string with an explicit offset or Z. */
function utc(iso: string): number {
  return Date.parse(iso) / 1000;
}

test('isValidTimeZone accepts IANA names (any case) and rejects everything else', () => {
  for (const tz of ['UTC', 'Etc/UTC', 'Pacific/Auckland', 'pacific/auckland', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'EST5EDT']) {
    assert.equal(isValidTimeZone(tz), true, tz);
  }
  for (const tz of ['', 'Mars/Olympus', '+05:30', 'GMT+5:30', 'Pacific/Auckland; DROP TABLE calls', '../etc/passwd', 'a'.repeat(200)]) {
    assert.equal(isValidTimeZone(tz), false, tz);
  }
  assert.equal(isValidTimeZone(null as unknown as string), false);
  assert.equal(canonicalTimeZone('pacific/auckland'), 'Pacific/Auckland');
  assert.throws(() => offsetAt('Mars/Olympus', 0), UnknownTimeZoneError);
});

test('offsetAt is local minus UTC in seconds, exact at the transition second', () => {
  assert.equal(offsetAt('Pacific/Auckland', utc('2016-03-04T00:00Z')), 46800);
  assert.equal(offsetAt('Asia/Kolkata', utc('2016-03-04T00:00Z')), 19800);
  assert.equal(offsetAt('Asia/Kathmandu', utc('2016-03-04T00:00Z')), 20700);
  assert.equal(offsetAt('America/St_Johns', utc('2016-03-04T00:00Z')), -12600);
  assert.equal(offsetAt('Africa/Monrovia', 0), -2670);
  const t = utc('2021-03-14T07:00Z');
  assert.deepEqual([offsetAt('America/New_York', t - 1), offsetAt('America/New_York', t)], [-18000, -14400]);
  assert.equal(offsetAt('UTC', -1e10), 0);
  assert.equal(offsetAt('Europe/London', 1.9e9 + 0.7), offsetAt('Europe/London', 1.9e9));
});

test('offsetSegments cover the range contiguously with exact transitions', () => {
  const from = utc('2021-01-01T00:00Z');
  const to = utc('2022-01-01T00:00Z');
  assert.deepEqual(offsetSegments('Europe/London', from, to), [
    { start: from, end: utc('2021-03-28T01:00Z'), offset: 0 },
    { start: utc('2021-03-28T01:00Z'), end: utc('2021-10-31T01:00Z'), offset: 3600 },
    { start: utc('2021-10-31T01:00Z'), end: to, offset: 0 },
  ]);
  assert.deepEqual(
    offsetSegments('Australia/Lord_Howe', from, to).map((s) => s.offset),
    [39600, 37800, 39600],
  );
  assert.deepEqual(offsetSegments('Asia/Kolkata', from, to), [{ start: from, end: to, offset: 19800 }]);
  assert.deepEqual(offsetSegments('UTC', 5, 5), []);
  assert.deepEqual(offsetSegments('UTC', -10, -5), [{ start: -10, end: -5, offset: 0 }]);
  // A transition at an odd second (Monrovia's 1972 change from −00:44:30 to 00:00) is found exactly.
  const [a, b] = offsetSegments('Africa/Monrovia', 0, utc('1973-01-01T00:00Z'));
  assert.equal(a.end, b.start);
  assert.deepEqual([a.offset, b.offset, offsetAt('Africa/Monrovia', a.end - 1), offsetAt('Africa/Monrovia', a.end)], [-2670, 0, -2670, 0]);
  assert.equal(b.start, utc('1972-01-07T00:44:30Z'));
});

test('offsetSegments spans chunk edges without splitting a segment, in either direction of 1970', () => {
  const segs = offsetSegments('Asia/Tokyo', utc('1960-01-01T00:00Z'), utc('2037-01-01T00:00Z'));
  assert.deepEqual(segs, [{ start: utc('1960-01-01T00:00Z'), end: utc('2037-01-01T00:00Z'), offset: 32400 }]);
});

test('offsetSegments over 30 years of a DST zone costs ~10 ms of CPU uncached (bound 60 ms for slow CI)', () => {
  // Warm the JIT on another zone so the timing measures the algorithm, not compilation.
  offsetSegments('Europe/Paris', utc('1990-01-01T00:00Z'), utc('2020-01-01T00:00Z'));
  // CPU time, not wall time: the test machines are shared and wall time measures the neighbours.
  const c0 = process.cpuUsage();
  const segs = offsetSegments('America/Chicago', utc('1995-01-01T00:00Z'), utc('2025-01-01T00:00Z'));
  const used = process.cpuUsage(c0);
  const ms = (used.user + used.system) / 1000;
  assert.equal(segs.length, 61);
  // Typical is 7–14 ms (docs/time.md); the bound leaves room for slow CI machines.
  assert.ok(ms < 60, `took ${ms.toFixed(1)} ms of CPU`);
});

test('the shortest same-offset-both-sides segment in tzdb (Boa Vista DST, one week of 2000) is found', () => {
  const tz = 'America/Boa_Vista';
  const segs = offsetSegments(tz, utc('2000-09-01T00:00Z'), utc('2000-11-01T00:00Z'));
  assert.deepEqual(
    segs.map((s) => [s.start, s.offset]),
    [
      [utc('2000-09-01T00:00Z'), -14400],
      [utc('2000-10-08T04:00Z'), -10800],
      [utc('2000-10-15T03:00Z'), -14400],
    ],
  );
});
