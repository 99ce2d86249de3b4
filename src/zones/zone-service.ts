import type { Zone } from '../core/zone.js';
import type { Store } from '../store/store.js';
import { loadDefaultZones } from './default-zones.js';
import { assignZoneIds } from './ids.js';
import type { ZoneDef } from './zone-def.js';
import { normaliseNumber } from './normalise.js';
import { countryIndex, listCountries, regionsIn, type CountryIndex } from './regions.js';
import { ZoneTable } from './zone-table.js';
import type { SharedZoneMatch } from './matcher.js';

/**
 * The zone table in memory: the store is the source of truth for ids; this keeps the matcher and
 * look-ups that ingest, the countries API and exports need without a round trip. The table is
 * held as columns (ZoneTable): an idle `serve` should not spend tens of MiB on zone objects.
 */
export class ZoneService {
  private table: ZoneTable;
  private countryList: string[] | undefined;
  private regionIndex: CountryIndex | undefined;

  private constructor(
    zones: readonly Zone[],
    private readonly defaultCountry: string | undefined,
  ) {
    this.table = new ZoneTable(zones);
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

  private async replace(store: Store, zones: Zone[]): Promise<{ added: number; deactivated: number }> {
    const before = new Map(this.table.all().map((z) => [z.id, z]));
    const changed = zones.filter((z) => {
      const old = before.get(z.id);
      return !old || old.active !== z.active || old.description !== z.description || old.source !== z.source;
    });
    await store.saveZones(changed);
    const added = zones.filter((z) => !before.has(z.id)).length;
    const deactivated = zones.filter((z) => before.get(z.id)?.active && !z.active).length;
    this.table = new ZoneTable(zones);
    this.countryList = undefined;
    this.regionIndex = undefined;
    return { added, deactivated };
  }

  /** Re-reads the default data and merges it: known zones keep their ids, new ones get new ids. */
  rebuildDefault(store: Store): Promise<{ added: number; deactivated: number }> {
    return this.replace(store, assignZoneIds(this.table.all(), loadDefaultZones(), { source: 'default', mode: 'replace' }));
  }

  /** Imports a rate deck: `replace` retires custom zones not in it, `extend` keeps them. */
  importDeck(store: Store, defs: ZoneDef[], mode: 'replace' | 'extend'): Promise<{ added: number; deactivated: number }> {
    return this.replace(store, assignZoneIds(this.table.all(), defs, { source: 'custom', mode }));
  }

  /** The zone id of a raw number as it appears in a CDR, or null. */
  zoneOf = (raw: string | null): number | null => {
    return this.table.matchId(normaliseNumber(raw, this.defaultCountry));
  };

  /** The zone with this id as a fresh object (callers may keep it), or undefined. */
  zone(id: number | null): Zone | undefined {
    if (id === null) return undefined;
    const row = this.table.rowOf(id);
    return row < 0 ? undefined : this.table.zone(row);
  }

  /** Every zone in id order, as fresh objects: ~300k of them, so for rare callers (import, listing). */
  all(): readonly Zone[] {
    return this.table.all();
  }

  /** The matcher as shared typed arrays for worker threads (ZoneIdMatcher), built once per table. */
  sharedMatch(): SharedZoneMatch {
    return this.table.sharedMatch();
  }

  countries(): string[] {
    this.countryList ??= listCountries(this.countryRows());
    return [...this.countryList];
  }

  regions(countries: string[]): Record<string, Record<string, number[]>> {
    this.regionIndex ??= countryIndex(this.table.rows(), true);
    return regionsIn(this.regionIndex, countries);
  }

  private *countryRows(): Generator<Pick<Zone, 'active' | 'country'>> {
    for (let row = 0; row < this.table.size; row++) yield { active: this.table.active(row), country: this.table.country(row) };
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
