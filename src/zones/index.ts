/** The zones module: default zone data, stable ids, number normalisation, longest-prefix matching, rate decks. */
export { loadDefaultZones, MOBILE, OTHER } from './default-zones.js';
export { countryName, NON_GEOGRAPHIC_COUNTRY } from './countries.js';
export { assignZoneIds, zoneKey, type AssignOptions } from './ids.js';
export { normaliseNumber, MIN_DIGITS, MAX_DIGITS } from './normalise.js';
export { ZoneMatcher } from './matcher.js';
export { parseRateDeck, zonesToCsv, type RateDeckError } from './rate-deck.js';
export { listCountries, regionsOf, type CountryQueryOptions } from './regions.js';
export type { ZoneDef } from './zone-def.js';
