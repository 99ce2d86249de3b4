import type { Zone } from '../core/zone.js';
import type { Store } from '../store/store.js';
import { loadDefaultZones } from './default-zones.js';
import { assignZoneIds } from './ids.js';
import type { ZoneDef } from './zone-def.js';
import { ZoneMatcher } from './matcher.js';
import { normaliseNumber } from './normalise.js';
import { listCountries, regionsOf } from './regions.js';

/**
 * The zone table in memory: the store is the source of truth for ids; this keeps the matcher and
 * look-ups that ingest, the countries API and exports need without a round trip.
 */
export class ZoneService {
  private matcher: ZoneMatcher;
  private byId = new Map<number, Zone>();

  private constructor(
    private zones: Zone[],
    private readonly defaultCountry: string | undefined,
  ) {
    this.matcher = new ZoneMatcher(zones);
    this.index();
  }

  /** Loads the store's zones; an empty table is filled from the default libphonenumber data first. */
  static async open(store: Store, defaultCountry: string | undefined): Promise<ZoneService> {
    let zones = await store.listZones();
    if (zones.length === 0) {
      zones = assignZoneIds([], loadDefaultZones(), { source: 'default', mode: 'replace' });
      await store.saveZones(zones);
    }
    return new ZoneService(zones, defaultCountry);
  }

  private index(): void {
    this.byId = new Map(this.zones.map((z) => [z.id, z]));
  }

  private async replace(store: Store, zones: Zone[]): Promise<{ added: number; deactivated: number }> {
    const before = new Map(this.zones.map((z) => [z.id, z]));
    const changed = zones.filter((z) => {
      const old = before.get(z.id);
      return !old || old.active !== z.active || old.description !== z.description || old.source !== z.source;
    });
    await store.saveZones(changed);
    const added = zones.filter((z) => !before.has(z.id)).length;
    const deactivated = zones.filter((z) => before.get(z.id)?.active && !z.active).length;
    this.zones = zones;
    this.matcher = new ZoneMatcher(zones);
    this.index();
    return { added, deactivated };
  }

  /** Re-reads the default data and merges it: known zones keep their ids, new ones get new ids. */
  rebuildDefault(store: Store): Promise<{ added: number; deactivated: number }> {
    return this.replace(store, assignZoneIds(this.zones, loadDefaultZones(), { source: 'default', mode: 'replace' }));
  }

  /** Imports a rate deck: `replace` retires custom zones not in it, `extend` keeps them. */
  importDeck(store: Store, defs: ZoneDef[], mode: 'replace' | 'extend'): Promise<{ added: number; deactivated: number }> {
    return this.replace(store, assignZoneIds(this.zones, defs, { source: 'custom', mode }));
  }

  /** The zone id of a raw number as it appears in a CDR, or null. */
  zoneOf = (raw: string | null): number | null => {
    return this.matcher.match(normaliseNumber(raw, this.defaultCountry))?.id ?? null;
  };

  zone(id: number | null): Zone | undefined {
    return id === null ? undefined : this.byId.get(id);
  }

  all(): readonly Zone[] {
    return this.zones;
  }

  countries(): string[] {
    return listCountries(this.zones);
  }

  regions(countries: string[]): Record<string, Record<string, number[]>> {
    return regionsOf(this.zones, countries);
  }

  /** Re-tags every stored call with the current table. Returns how many zone tags changed. */
  async rezone(store: Store): Promise<number> {
    let changed = 0;
    for (const column of ['caller_id_number', 'callee_id_number'] as const) {
      const numbers = await store.distinctNumbers(column);
      changed += await store.applyZones(
        column,
        numbers.map((number) => ({ number, zone_id: this.zoneOf(number) })),
      );
    }
    return changed;
  }
}
