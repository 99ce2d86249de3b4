/** A zone: one dial prefix with a stable id, its country and a region description (SPEC section 5). */
export interface Zone {
  id: number;
  /** E.164 digits without `+`, including the country calling code, e.g. `643412`. */
  prefix: string;
  /** English country name, e.g. `New Zealand`. */
  country: string;
  /** Region description, e.g. `Balclutha` or `Mobile`; the region name is `"<country> <description>"`. */
  description: string;
  /** Where it came from: `default` (libphonenumber data) or `custom` (an imported rate deck). */
  source: 'default' | 'custom';
  /** Inactive zones keep their id (calls may still carry it) but no longer match numbers. */
  active: boolean;
}

/** The region name of a zone as the API shows it. */
export function regionName(zone: Pick<Zone, 'country' | 'description'>): string {
  return zone.description ? `${zone.country} ${zone.description}` : zone.country;
}
