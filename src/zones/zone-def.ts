/** A zone as data sources and rate decks describe it, before it has an id (SPEC section 5). */
export interface ZoneDef {
  /** E.164 digits without `+`, including the calling code. */
  prefix: string;
  country: string;
  description: string;
}

// Re-exported because callers reach for id assignment next to the type it consumes.
export { assignZoneIds, zoneKey, type AssignOptions } from './ids.js';
