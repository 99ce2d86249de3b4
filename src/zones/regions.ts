import { CallstatsError } from '../core/errors.js';
import { regionName, type Zone } from '../core/zone.js';

export interface CountryQueryOptions {
  /** Count inactive zones too. */
  includeInactive?: boolean;
}

/**
 * Every country with at least one active zone, sorted (SPEC 2.2). Inactive zones do not count by
 * default: a country whose zones were all replaced should no longer be offered for new filters.
 */
export function listCountries(zones: Iterable<Pick<Zone, 'active' | 'country'>>, opts: CountryQueryOptions = {}): string[] {
  const names = new Set<string>();
  for (const z of zones) if (z.active || opts.includeInactive) names.add(z.country);
  return [...names].sort(compareNames);
}

/**
 * The regions of each named country with their sorted zone ids (SPEC 2.3), keyed by the country's
 * name as the zone table spells it. Inactive zones are included by default: their ids are still on
 * stored calls until a re-zone, and a filter built from this answer should find those calls too.
 * Names match exactly; failing that, case-insensitively (with ’ and ' treated alike), so
 * `new zealand` finds `New Zealand`. An unknown name is a 400 `ERR_UNKNOWN_COUNTRY` naming it.
 */
export function regionsOf(
  zones: readonly Zone[],
  countries: readonly string[],
  opts: CountryQueryOptions = { includeInactive: true },
): Record<string, Record<string, number[]>> {
  return regionsIn(indexOf(zones, opts.includeInactive ?? true), countries);
}

/** regionsOf on an index built once by `countryIndex` (ZoneService keeps one per table). */
export function regionsIn(index: CountryIndex, countries: readonly string[]): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const asked of countries) {
    const name = index.byName.has(asked) ? asked : index.byFolded.get(fold(asked));
    const regions = name === undefined ? undefined : index.byName.get(name);
    if (name === undefined || !regions) {
      throw new CallstatsError('ERR_UNKNOWN_COUNTRY', `unknown country '${asked}'`, { country: asked });
    }
    out[name] = Object.fromEntries(
      [...regions].sort(([a], [b]) => compareNames(a, b)).map(([r, ids]) => [r, [...ids].sort((x, y) => x - y)]),
    );
  }
  return out;
}

export interface CountryIndex {
  byName: Map<string, Map<string, number[]>>;
  byFolded: Map<string, string>;
}

// Regions are asked for far more often than the table changes; index each table once.
const cache = new WeakMap<readonly Zone[], { all?: CountryIndex; active?: CountryIndex }>();

function indexOf(zones: readonly Zone[], includeInactive: boolean): CountryIndex {
  let entry = cache.get(zones);
  if (!entry) cache.set(zones, (entry = {}));
  const slot = includeInactive ? 'all' : 'active';
  return (entry[slot] ??= countryIndex(zones, includeInactive));
}

/** Countries → regions → zone ids of a table (one pass; `zones` may be a generator). */
export function countryIndex(zones: Iterable<Zone>, includeInactive: boolean): CountryIndex {
  const index: CountryIndex = { byName: new Map(), byFolded: new Map() };
  for (const z of zones) {
    if (!z.active && !includeInactive) continue;
    let regions = index.byName.get(z.country);
    if (!regions) {
      index.byName.set(z.country, (regions = new Map()));
      if (!index.byFolded.has(fold(z.country))) index.byFolded.set(fold(z.country), z.country);
    }
    const region = regionName(z);
    const ids = regions.get(region);
    if (ids) ids.push(z.id);
    else regions.set(region, [z.id]);
  }
  return index;
}

function fold(name: string): string {
  return name.replace(/’/g, "'").toLowerCase();
}

// Code-unit order like the ids, so the answer does not depend on the ICU locale data.
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
