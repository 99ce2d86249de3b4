import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Zone } from '../../src/core/zone.js';
import { assignZoneIds } from '../../src/zones/ids.js';
import type { ZoneDef } from '../../src/zones/zone-def.js';

const def = (prefix: string, description: string, country = 'New Zealand'): ZoneDef => ({ prefix, country, description });
const brief = (zones: Zone[]) => zones.map((z) => `${z.id} ${z.prefix} ${z.description} ${z.source}${z.active ? '' : ' inactive'}`);
const defaults = [def('643412', 'Balclutha'), def('64', 'Other'), def('6421', 'Mobile'), def('643', 'South Island')];

test('a first build numbers zones from 1 by prefix, then description, whatever the input order', () => {
  const zones = assignZoneIds([], defaults, { source: 'default', mode: 'replace' });
  assert.deepEqual(brief(zones), [
    '1 64 Other default',
    '2 6421 Mobile default',
    '3 643 South Island default',
    '4 643412 Balclutha default',
  ]);
  assert.deepEqual(assignZoneIds([], [...defaults].reverse(), { source: 'default', mode: 'replace' }), zones);
});

test('duplicate definitions in one import are one zone', () => {
  const zones = assignZoneIds([], [...defaults, def('64', 'Other')], { source: 'default', mode: 'replace' });
  assert.equal(zones.length, 4);
  const again = assignZoneIds(zones, [def('65', 'X'), def('65', 'X')], { source: 'default', mode: 'extend' });
  assert.deepEqual(brief(again).slice(4), ['5 65 X default']);
});

test('assigning the same data again changes nothing', () => {
  const zones = assignZoneIds([], defaults, { source: 'default', mode: 'replace' });
  assert.deepEqual(assignZoneIds(zones, defaults, { source: 'default', mode: 'replace' }), zones);
});

test('a new definition only adds a new id after the highest one', () => {
  const zones = assignZoneIds([], defaults, { source: 'default', mode: 'replace' });
  const next = assignZoneIds(zones, [...defaults, def('6431', 'Dunedin')], { source: 'default', mode: 'replace' });
  assert.deepEqual(next.slice(0, 4), zones);
  assert.deepEqual(brief(next).slice(4), ['5 6431 Dunedin default']);
});

test('replace marks vanished zones of that source inactive with their id kept; ids are never reused', () => {
  const zones = assignZoneIds([], defaults, { source: 'default', mode: 'replace' });
  const next = assignZoneIds(zones, [def('64', 'Other'), def('643', 'Canterbury')], { source: 'default', mode: 'replace' });
  assert.deepEqual(brief(next), [
    '1 64 Other default',
    '2 6421 Mobile default inactive',
    '3 643 South Island default inactive',
    '4 643412 Balclutha default inactive',
    '5 643 Canterbury default',
  ]);
  const back = assignZoneIds(next, defaults, { source: 'default', mode: 'replace' });
  assert.deepEqual(brief(back).slice(0, 5), [
    '1 64 Other default',
    '2 6421 Mobile default',
    '3 643 South Island default',
    '4 643412 Balclutha default',
    '5 643 Canterbury default inactive',
  ]);
});

test('extend keeps every zone; a custom replace leaves default zones alone', () => {
  const zones = assignZoneIds([], defaults, { source: 'default', mode: 'replace' });
  const deck1 = assignZoneIds(zones, [def('6421', 'Deal A')], { source: 'custom', mode: 'extend' });
  const deck2 = assignZoneIds(deck1, [def('6422', 'Deal B')], { source: 'custom', mode: 'extend' });
  assert.deepEqual(brief(deck2).slice(4), ['5 6421 Deal A custom', '6 6422 Deal B custom']);
  const replaced = assignZoneIds(deck2, [def('6422', 'Deal B')], { source: 'custom', mode: 'replace' });
  assert.deepEqual(brief(replaced), [...brief(zones), '5 6421 Deal A custom inactive', '6 6422 Deal B custom']);
});

test('a custom import of a default identity keeps its id and takes it over', () => {
  const zones = assignZoneIds([], defaults, { source: 'default', mode: 'replace' });
  const next = assignZoneIds(zones, [def('643412', 'Balclutha')], { source: 'custom', mode: 'replace' });
  assert.deepEqual(brief(next)[3], '4 643412 Balclutha custom');
  assert.equal(next.length, 4);
});

test('the input table is not modified and ids continue after gaps', () => {
  const existing: Zone[] = [{ id: 10, prefix: '64', country: 'New Zealand', description: 'Other', source: 'default', active: true }];
  const copy = structuredClone(existing);
  const next = assignZoneIds(existing, [def('61', 'Other', 'Australia')], { source: 'default', mode: 'replace' });
  assert.deepEqual(existing, copy);
  assert.deepEqual(brief(next), ['10 64 Other default inactive', '11 61 Other default']);
});
