import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Zone } from '../../src/core/zone.js';
import { CallstatsError } from '../../src/core/errors.js';
import { assignZoneIds, listCountries, loadDefaultZones, regionsOf } from '../../src/zones/index.js';

const z = (id: number, prefix: string, country: string, description: string, active = true): Zone => ({
  id,
  prefix,
  country,
  description,
  source: 'default',
  active,
});
const table = [
  z(7, '643412', 'New Zealand', 'Balclutha'),
  z(3, '6434129', 'New Zealand', 'Balclutha'),
  z(5, '6421', 'New Zealand', 'Mobile'),
  z(9, '6422', 'New Zealand', 'Mobile', false),
  z(4, '61412', 'Australia', 'Mobile'),
  z(8, '225', "Côte d'Ivoire", 'Other'),
  z(6, '999', 'Atlantis', 'Other', false),
];

test('countries are the sorted names with an active zone', () => {
  assert.deepEqual(listCountries(table), ['Australia', "Côte d'Ivoire", 'New Zealand']);
  assert.deepEqual(listCountries(table, { includeInactive: true }), ['Atlantis', 'Australia', "Côte d'Ivoire", 'New Zealand']);
});

test('regions of each country with sorted ids, inactive ids included', () => {
  assert.deepEqual(regionsOf(table, ['New Zealand', 'Australia']), {
    'New Zealand': { 'New Zealand Balclutha': [3, 7], 'New Zealand Mobile': [5, 9] },
    Australia: { 'Australia Mobile': [4] },
  });
  assert.deepEqual(regionsOf(table, ['New Zealand'], { includeInactive: false })['New Zealand']['New Zealand Mobile'], [5]);
});

test('names match exactly, else ignoring case and the curly apostrophe; keys are the table spelling', () => {
  assert.deepEqual(Object.keys(regionsOf(table, ['new zealand', 'CÔTE D’IVOIRE'])), ['New Zealand', "Côte d'Ivoire"]);
});

test('an unknown country is a 400 naming it', () => {
  assert.throws(
    () => regionsOf(table, ['Australia', 'Narnia']),
    (e: unknown) =>
      e instanceof CallstatsError &&
      e.code === 'ERR_UNKNOWN_COUNTRY' &&
      e.status === 400 &&
      e.message === "unknown country 'Narnia'" &&
      (e.data as { country: string }).country === 'Narnia',
  );
});

test('on the default table New Zealand has Balclutha and Australia has Mobile', () => {
  const zones = assignZoneIds([], loadDefaultZones(), { source: 'default', mode: 'replace' });
  const r = regionsOf(zones, ['New Zealand', 'Australia']);
  const balclutha = r['New Zealand']['New Zealand Balclutha'];
  assert.ok(balclutha.includes(zones.find((x) => x.prefix === '643412')!.id));
  assert.deepEqual(
    balclutha,
    [...balclutha].sort((a, b) => a - b),
  );
  assert.ok(r.Australia['Australia Mobile'].length > 50);
  assert.ok(r['New Zealand']['New Zealand Other'].length === 1);
});
