/**
 * Differential tests against the naive Intl reference: 20,000 random instants from 1970 to 2037 in
 * 15 zones chosen for awkward rules, plus offset segments checked against offsetAt at random points.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bucketStartLocal,
  formatBucketKey,
  localSecondsOf,
  localToUtc,
  offsetAt,
  offsetSegments,
  resolveLocal,
} from '../../src/time/index.js';
import { referenceLocalParts } from '../reference/local-parts.js';

const ZONES = [
  'UTC',
  'Pacific/Auckland',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/Sao_Paulo',
  'America/Santiago',
  'America/Havana',
  'Asia/Beirut',
  'Africa/Casablanca',
  'Pacific/Apia',
  'Africa/Monrovia',
];
const FROM = 0; // 1970-01-01
const TO = 2145916800; // 2038-01-01

/** mulberry32: a tiny seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const p2 = (n: number) => String(n).padStart(2, '0');

test('hourly and daily keys from offsetAt + bucketStartLocal equal the Intl reference (20,000 instants)', () => {
  const rand = rng(20160304);
  for (let i = 0; i < 20000; i++) {
    const tz = ZONES[i % ZONES.length];
    const ts = FROM + Math.floor(rand() * (TO - FROM));
    const ref = referenceLocalParts(ts, tz);
    const local = ts + offsetAt(tz, ts);
    const date = `${p2(ref.day)}/${p2(ref.month)}/${ref.year}`;
    const ctx = `${tz} @ ${ts}`;
    assert.equal(formatBucketKey(bucketStartLocal(local, 'hourly', 'monday'), tz, 'kazoo', 'dmy'), `${p2(ref.hour)}:00:00 ${date}`, ctx);
    assert.equal(formatBucketKey(bucketStartLocal(local, 'daily', 'monday'), tz, 'kazoo', 'dmy'), `00:00:00 ${date}`, ctx);
    assert.equal(local, localSecondsOf(ref.year, ref.month, ref.day, ref.hour, ref.minute, ref.second), ctx);
    // The week floor lands on the reference weekday's Monday.
    const monday = bucketStartLocal(local, 'weekly', 'monday');
    assert.equal((local - monday - (((local % 86400) + 86400) % 86400)) / 86400, ref.weekday - 1, ctx);
    // localToUtc inverts the offset: the same instant, or the earlier pass through a repeated time.
    const r = resolveLocal(local, tz);
    assert.ok(r.instants.includes(ts), ctx);
    assert.equal(localToUtc(local, tz), r.instants[0], ctx);
  }
});

test('offsetSegments agree with offsetAt at random points and at every boundary second', () => {
  const rand = rng(42);
  for (const tz of ZONES) {
    const segs = offsetSegments(tz, FROM, TO);
    assert.equal(segs[0].start, FROM);
    assert.equal(segs[segs.length - 1].end, TO);
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      assert.ok(s.start < s.end, `${tz} empty segment`);
      assert.equal(offsetAt(tz, s.start), s.offset, `${tz} start ${s.start}`);
      assert.equal(offsetAt(tz, s.end - 1), s.offset, `${tz} end ${s.end}`);
      if (i > 0) {
        assert.equal(segs[i - 1].end, s.start, `${tz} contiguous`);
        assert.notEqual(segs[i - 1].offset, s.offset, `${tz} merged`);
      }
    }
    for (let k = 0; k < 1000; k++) {
      const ts = FROM + Math.floor(rand() * (TO - FROM));
      const seg = segs.find((s) => s.start <= ts && ts < s.end);
      assert.equal(seg?.offset, offsetAt(tz, ts), `${tz} @ ${ts}`);
    }
    // A sub-range gives the same segments, clipped.
    const a = FROM + Math.floor(rand() * (TO - FROM));
    const b = a + Math.floor(rand() * 3e8);
    const clipped = segs
      .filter((s) => s.end > a && s.start < b)
      .map((s) => ({ start: Math.max(s.start, a), end: Math.min(s.end, b), offset: s.offset }));
    assert.deepEqual(offsetSegments(tz, a, b), clipped, `${tz} [${a}, ${b})`);
  }
});

test('offsetSegments find every transition an hourly brute-force scan finds (1995–2025)', () => {
  for (const tz of ['Pacific/Apia', 'Africa/Casablanca', 'America/Santiago']) {
    const from = 788918400;
    const to = 1735689600;
    const brute: number[] = [];
    let prev = offsetAt(tz, from);
    for (let t = from + 3600; t < to; t += 3600) {
      const o = offsetAt(tz, t);
      if (o !== prev) brute.push(t);
      prev = o;
    }
    const starts = offsetSegments(tz, from, to)
      .slice(1)
      .map((s) => s.start);
    assert.equal(starts.length, brute.length, tz);
    // Each brute-force hour is the first probe at or after the exact transition second.
    starts.forEach((s, i) => assert.ok(brute[i] >= s && brute[i] - s < 3600, `${tz} ${s}`));
  }
});
