/** Bucket keys and call_time values in Kazoo and ISO formats, both date orders, odd offsets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBucketKey, formatCallTime, formatOffset, localSecondsOf, UnknownTimeZoneError } from '../../src/time/index.js';

/** UTC epoch seconds of an ISO string with an explicit offset or Z. */
function utc(iso: string): number {
  return Date.parse(iso) / 1000;
}

test('the SPEC example bucket key in both formats and orders', () => {
  const l = localSecondsOf(2016, 3, 4, 8);
  assert.equal(formatBucketKey(l, 'Pacific/Auckland', 'kazoo', 'dmy'), '08:00:00 04/03/2016');
  assert.equal(formatBucketKey(l, 'Pacific/Auckland', 'kazoo', 'mdy'), '08:00:00 03/04/2016');
  assert.equal(formatBucketKey(l, 'Pacific/Auckland', 'iso', 'dmy'), '2016-03-04T08:00:00+13:00');
  assert.equal(formatBucketKey(l, 'UTC', 'iso', 'mdy'), '2016-03-04T08:00:00+00:00');
  assert.equal(formatBucketKey(l, 'America/New_York', 'iso', 'dmy'), '2016-03-04T08:00:00-05:00');
});

test('call_time is the local time with seconds; ISO carries the offset at that instant', () => {
  const t = utc('2016-03-03T19:00:05Z');
  assert.equal(formatCallTime(t, 'Pacific/Auckland', 'kazoo', 'dmy'), '08:00:05 04/03/2016');
  assert.equal(formatCallTime(t, 'Pacific/Auckland', 'kazoo', 'mdy'), '08:00:05 03/04/2016');
  assert.equal(formatCallTime(t, 'Pacific/Auckland', 'iso', 'dmy'), '2016-03-04T08:00:05+13:00');
  assert.equal(formatCallTime(t, 'Asia/Kathmandu', 'iso', 'dmy'), '2016-03-04T00:45:05+05:45');
  // Both passes through a repeated hour are told apart by their offset.
  assert.equal(formatCallTime(utc('2021-11-07T05:30:00Z'), 'America/New_York', 'iso', 'dmy'), '2021-11-07T01:30:00-04:00');
  assert.equal(formatCallTime(utc('2021-11-07T06:30:00Z'), 'America/New_York', 'iso', 'dmy'), '2021-11-07T01:30:00-05:00');
  assert.equal(formatCallTime(-1, 'UTC', 'kazoo', 'dmy'), '23:59:59 31/12/1969');
});

test('offsets: sign, half and quarter hours, sub-minute historical offsets', () => {
  assert.equal(formatOffset(0), '+00:00');
  assert.equal(formatOffset(19800), '+05:30');
  assert.equal(formatOffset(-12600), '-03:30');
  assert.equal(formatOffset(49500), '+13:45');
  assert.equal(formatCallTime(0, 'Africa/Monrovia', 'iso', 'dmy'), '1969-12-31T23:15:30-00:44:30');
});

test('an unknown zone is an UnknownTimeZoneError in every format', () => {
  assert.throws(() => formatBucketKey(0, 'Nowhere/Town', 'kazoo', 'dmy'), UnknownTimeZoneError);
  assert.throws(() => formatBucketKey(0, 'Nowhere/Town', 'iso', 'dmy'), UnknownTimeZoneError);
  assert.throws(() => formatCallTime(0, 'Nowhere/Town', 'kazoo', 'dmy'), /unknown time zone 'Nowhere\/Town'/);
});
