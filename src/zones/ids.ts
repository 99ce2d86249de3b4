import type { Zone } from '../core/zone.js';
import type { ZoneDef } from './zone-def.js';

export interface AssignOptions {
  /** Which table the incoming definitions are: the libphonenumber defaults or an operator's rate deck. */
  source: Zone['source'];
  /** `replace`: zones of this source missing from `incoming` become inactive; `extend`: they stay as they are. */
  mode: 'replace' | 'extend';
}

/**
 * The complete new zone table after importing `incoming` into `existing` (neither is modified).
 * A zone's identity is (prefix, country, description): a known identity keeps its id, whichever
 * source defined it before, and is taken over by this import (its source becomes `opts.source`
 * and it is active again). New identities get ids after the highest id ever given, in prefix then
 * description then country order, so the same data always gets the same ids and an id is never
 * changed or reused; inactive zones stay in the table for the calls that still carry their ids.
 */
export function assignZoneIds(existing: readonly Zone[], incoming: readonly ZoneDef[], opts: AssignOptions): Zone[] {
  if (existing.length === 0) return firstBuild(incoming, opts.source);
  // Indexed by prefix rather than by a concatenated identity key: building 300k key strings cost
  // more than the whole rest of the assignment, and a prefix rarely holds more than one zone.
  const byPrefix = new Map<string, Zone[]>();
  const table: Zone[] = [];
  let maxId = 0;
  for (const zone of existing) {
    const copy = { ...zone };
    table.push(copy);
    const list = byPrefix.get(zone.prefix);
    if (list) list.push(copy);
    else byPrefix.set(zone.prefix, [copy]);
    if (zone.id > maxId) maxId = zone.id;
  }
  const seen = new Set<Zone>();
  const fresh: Zone[] = [];
  for (const def of incoming) {
    let list = byPrefix.get(def.prefix);
    if (!list) byPrefix.set(def.prefix, (list = []));
    const known = list.find((z) => z.country === def.country && z.description === def.description);
    if (known) {
      known.source = opts.source;
      known.active = true;
      seen.add(known);
    } else {
      const zone: Zone = {
        id: 0,
        prefix: def.prefix,
        country: def.country,
        description: def.description,
        source: opts.source,
        active: true,
      };
      list.push(zone);
      seen.add(zone);
      fresh.push(zone);
    }
  }
  if (opts.mode === 'replace') {
    for (const zone of table) if (zone.source === opts.source && !seen.has(zone)) zone.active = false;
  }
  fresh.sort(compareDefs);
  for (const zone of fresh) {
    zone.id = ++maxId;
    table.push(zone);
  }
  return isSortedById(table) ? table : table.sort((a, b) => a.id - b.id);
}

/** From an empty table no index is needed: sorting puts duplicate definitions side by side. */
function firstBuild(incoming: readonly ZoneDef[], source: Zone['source']): Zone[] {
  const sorted = incoming.slice().sort(compareDefs);
  const table: Zone[] = [];
  let last: ZoneDef | undefined;
  for (const def of sorted) {
    if (last && compareDefs(last, def) === 0) continue;
    last = def;
    table.push({ id: table.length + 1, prefix: def.prefix, country: def.country, description: def.description, source, active: true });
  }
  return table;
}

function isSortedById(zones: readonly Zone[]): boolean {
  for (let k = 1; k < zones.length; k++) if (zones[k - 1].id > zones[k].id) return false;
  return true;
}

/** The identity of a zone: two definitions with the same key are the same zone and share one id. */
export function zoneKey(def: ZoneDef): string {
  return `${def.prefix}\u0000${def.country}\u0000${def.description}`;
}

// Plain code-unit order, not localeCompare: ids must not depend on the ICU version or locale.
function compareDefs(a: ZoneDef, b: ZoneDef): number {
  return cmp(a.prefix, b.prefix) || cmp(a.description, b.description) || cmp(a.country, b.country);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
