/** A zone as data sources and rate decks describe it, before it has an id (SPEC section 5). */
export interface ZoneDef {
  /** E.164 digits without `+`, including the calling code. */
  prefix: string;
  country: string;
  description: string;
}
