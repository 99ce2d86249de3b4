/** Zones and re-zoning on the embedded store. */
import type { Zone } from '../../core/zone.js';
import type { NumberZone, ZoneNumberColumn } from '../store.js';
import type { Reads } from './reads.js';
import type { Writes } from './writes.js';

/** Zones per read: the joined string (and the memory it takes on both sides) stays small. */
const ZONE_READ_STEP = 32_768;

export async function listZones(reads: Reads): Promise<Zone[]> {
  // :TRICKY: reading 300k rows value by value through the Node API takes seconds and hundreds
  // of MB; DuckDB joins the whole table into one string instead (one value crosses the boundary)
  // and we split it. Zone text never holds \u0001 or \u0002: rate-deck import refuses control characters.
  const intern = new Map<string, string>();
  const one = (v: string) => intern.get(v) ?? (intern.set(v, v), v);
  const zones: Zone[] = [];
  const [{ lo, hi }] = await reads.all({ sql: 'SELECT min(id) AS lo, max(id) AS hi FROM zones', params: [] });
  if (lo === null) return [];
  for (let from = Number(lo); from <= Number(hi); from += ZONE_READ_STEP) {
    const [row] = await reads.all({
      sql: `SELECT string_agg(concat_ws(chr(1), id, prefix, country, description,
            CASE WHEN source = 'custom' THEN 'c' ELSE 'd' END || CASE WHEN active THEN '1' ELSE '0' END), chr(2)) AS z
          FROM zones WHERE id >= $1 AND id < $2`,
      params: [from, from + ZONE_READ_STEP],
    });
    if (row.z === null) continue;
    for (const line of String(row.z).split('\u0002')) {
      const [id, prefix, country, description, flags] = line.split('\u0001');
      zones.push({
        id: Number(id),
        // Copy out of the big joined string so it can be freed (V8 keeps sliced parents alive).
        prefix: (' ' + prefix).slice(1),
        country: one(country),
        description: one(description),
        source: flags[0] === 'c' ? 'custom' : 'default',
        active: flags[1] === '1',
      });
    }
  }
  return zones.sort((a, b) => a.id - b.id);
}

/** Inserts zones with new ids; known ids take the new `description`, `source` and `active` (store.ts). */
export async function saveZones(writes: Writes, zones: readonly Zone[]): Promise<void> {
  if (zones.length === 0) return;
  await writes.transaction(async (w) => {
    await w.run('CREATE TEMP TABLE IF NOT EXISTS staging_zones AS SELECT * FROM zones LIMIT 0');
    await w.run('DELETE FROM staging_zones');
    const a = await w.createAppender('staging_zones', 'main', 'temp');
    for (const z of zones) {
      a.appendInteger(z.id);
      a.appendVarchar(z.prefix);
      a.appendVarchar(z.country);
      a.appendVarchar(z.description);
      a.appendVarchar(z.source);
      a.appendBoolean(z.active);
      a.endRow();
    }
    a.closeSync();
    await w.run(`INSERT INTO zones SELECT * FROM staging_zones
      ON CONFLICT (id) DO UPDATE SET description = excluded.description, source = excluded.source, active = excluded.active`);
    await w.run('DELETE FROM staging_zones');
  }, false);
}

export async function distinctNumbers(reads: Reads, column: ZoneNumberColumn): Promise<string[]> {
  const rows = await reads.all({
    sql: `SELECT DISTINCT ${column} AS n FROM calls WHERE ${column} IS NOT NULL`,
    params: [],
  });
  return rows.map((r) => String(r.n));
}

export async function applyZones(writes: Writes, column: ZoneNumberColumn, map: readonly NumberZone[]): Promise<number> {
  const zoneColumn = column === 'caller_id_number' ? 'caller_zone_id' : 'callee_zone_id';
  // :TRICKY: an UPDATE racing maintenance's move of the same rows would be lost (DuckDB lets an
  // update of a row another open transaction deleted commit), so re-zoning waits for maintenance.
  return writes.apartFromMaintenance(() =>
    writes.transaction(async (w) => {
      await w.run('CREATE TEMP TABLE IF NOT EXISTS staging_numbers (number VARCHAR, zone_id INTEGER)');
      await w.run('DELETE FROM staging_numbers');
      const a = await w.createAppender('staging_numbers', 'main', 'temp');
      for (const m of map) {
        a.appendVarchar(m.number);
        if (m.zone_id === null) a.appendNull();
        else a.appendInteger(m.zone_id);
        a.endRow();
      }
      a.closeSync();
      let changed = 0;
      // calls is a view over the sorted calls and the tail (schema.ts 5): both tables are updated.
      for (const table of ['calls_sorted', 'calls_tail']) {
        const result = await w.run(`UPDATE ${table} SET ${zoneColumn} = s.zone_id FROM staging_numbers s
        WHERE ${table}.${column} = s.number AND ${table}.${zoneColumn} IS DISTINCT FROM s.zone_id`);
        changed += Number(result.rowsChanged);
      }
      await w.run('DELETE FROM staging_numbers');
      return changed;
    }, false),
  );
}
