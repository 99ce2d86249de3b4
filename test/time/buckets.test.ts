/** Bucket floors on local seconds: hours, days, Monday/Sunday weeks, months, negative values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketStartLocal, localSecondsOf, nextBucketStartLocal, formatKazooLocal } from '../../src/time/index.js';

const at = (y: number, m: number, d: number, h = 0, mi = 0, s = 0) => localSecondsOf(y, m, d, h, mi, s);
const key = (l: number) => formatKazooLocal(l, 'dmy');

test('hourly and daily floors drop minutes and seconds, then hours', () => {
  const l = at(2016, 3, 4, 8, 59, 59);
  assert.equal(key(bucketStartLocal(l, 'hourly', 'monday')), '08:00:00 04/03/2016');
  assert.equal(key(bucketStartLocal(l, 'daily', 'monday')), '00:00:00 04/03/2016');
  assert.equal(bucketStartLocal(at(2016, 3, 4, 8), 'hourly', 'monday'), at(2016, 3, 4, 8));
});

test('weeks start Monday 00:00 or Sunday 00:00 as configured', () => {
  // 2016-03-04 was a Friday; 2016-03-06 a Sunday; 2016-03-07 a Monday.
  assert.equal(key(bucketStartLocal(at(2016, 3, 4, 8), 'weekly', 'monday')), '00:00:00 29/02/2016');
  assert.equal(key(bucketStartLocal(at(2016, 3, 4, 8), 'weekly', 'sunday')), '00:00:00 28/02/2016');
  assert.equal(key(bucketStartLocal(at(2016, 3, 6, 23, 59, 59), 'weekly', 'monday')), '00:00:00 29/02/2016');
  assert.equal(key(bucketStartLocal(at(2016, 3, 6), 'weekly', 'sunday')), '00:00:00 06/03/2016');
  assert.equal(key(bucketStartLocal(at(2016, 3, 7), 'weekly', 'monday')), '00:00:00 07/03/2016');
  assert.equal(key(bucketStartLocal(at(2016, 3, 7), 'weekly', 'sunday')), '00:00:00 06/03/2016');
  // Weeks cross year ends: 2021-01-01 (Friday) is in the week of Monday 2020-12-28.
  assert.equal(key(bucketStartLocal(at(2021, 1, 1, 12), 'weekly', 'monday')), '00:00:00 28/12/2020');
});

test('monthly floors to the first day 00:00, including 29 February and December', () => {
  assert.equal(key(bucketStartLocal(at(2016, 2, 29, 13), 'monthly', 'monday')), '00:00:00 01/02/2016');
  assert.equal(key(bucketStartLocal(at(2016, 12, 31, 23, 59, 59), 'monthly', 'monday')), '00:00:00 01/12/2016');
  assert.equal(key(nextBucketStartLocal(at(2016, 12, 1), 'monthly')), '00:00:00 01/01/2017');
  assert.equal(key(nextBucketStartLocal(at(2016, 1, 1), 'monthly')), '00:00:00 01/02/2016');
  assert.equal(nextBucketStartLocal(at(2016, 2, 29), 'weekly') - at(2016, 2, 29), 7 * 86400);
});

test('negative (pre-1970) local seconds floor downwards, never toward zero', () => {
  // -1 is 1969-12-31 23:59:59, a Wednesday.
  assert.equal(bucketStartLocal(-1, 'hourly', 'monday'), -3600);
  assert.equal(bucketStartLocal(-1, 'daily', 'monday'), -86400);
  assert.equal(bucketStartLocal(-1, 'weekly', 'monday'), -3 * 86400);
  assert.equal(bucketStartLocal(-1, 'weekly', 'sunday'), -4 * 86400);
  assert.equal(bucketStartLocal(-1, 'monthly', 'monday'), -31 * 86400);
  assert.equal(key(bucketStartLocal(at(1969, 7, 20, 20, 17, 40), 'hourly', 'monday')), '20:00:00 20/07/1969');
  assert.equal(key(bucketStartLocal(at(1900, 3, 1, 0, 0, 1), 'monthly', 'monday')), '00:00:00 01/03/1900');
  // 0 is Thursday 1970-01-01; its floors are exact (and +0, not -0).
  assert.equal(bucketStartLocal(0, 'hourly', 'monday'), 0);
  assert.equal(bucketStartLocal(0, 'daily', 'sunday'), 0);
  assert.equal(bucketStartLocal(0, 'monthly', 'sunday'), 0);
  assert.equal(bucketStartLocal(0, 'weekly', 'monday'), -3 * 86400);
});

test('an unknown period is a RangeError', () => {
  assert.throws(() => bucketStartLocal(0, 'yearly' as never, 'monday'), RangeError);
});
