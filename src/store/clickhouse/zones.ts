/**
 * Zones and re-zoning. Zone rows are versioned (zone_versions) and read through the `zones` view, which
 * keeps the latest version of each id, so an update is visible at once and joins see one row per id.
 */
import type { Zone } from '../../core/zone.js';
import type { NumberZone } from '../store.js';
import { writeAll, type Connection } from './connection.js';
import { clickhouseString } from './literal.js';
import { tsvString } from './tsv.js';
import { nextVersion } from './versions.js';

const ZONE_COLUMNS = ['id', 'prefix', 'country', 'description', 'source', 'active', 'version'];

export async function listZones(conn: Connection): Promise<Zone[]> {
  const rows = await conn.rows<{ id: number; prefix: string; country: string; description: string; source: string; active: number }>(
    'SELECT id, prefix, country, description, source, active FROM zones ORDER BY id',
  );
  return rows.map((r) => ({
    id: r.id,
    prefix: r.prefix,
    country: r.country,
    description: r.description,
    source: r.source === 'custom' ? 'custom' : 'default',
    active: Number(r.active) === 1,
  }));
}

/** Inserts zones with new ids; known ids take the new `description`, `source` and `active` (store.ts). */
export async function saveZones(conn: Connection, hosts: readonly Connection[], zones: readonly Zone[]): Promise<void> {
  const current = new Map((await listZones(conn)).map((z) => [z.id, z]));
  const lines: string[] = [];
  for (const zone of zones) {
    if (!Number.isInteger(zone.id)) throw new Error(`zone id must be an integer, not ${zone.id}`);
    const known = current.get(zone.id);
    let row: Zone;
    if (!known) row = zone;
    else if (known.active !== zone.active || known.description !== zone.description || known.source !== zone.source) {
      row = { ...known, active: zone.active, description: zone.description, source: zone.source };
    } else continue;
    current.set(row.id, row);
    lines.push(
      [
        String(row.id),
        tsvString(row.prefix),
        tsvString(row.country),
        tsvString(row.description),
        row.source,
        row.active ? '1' : '0',
        String(nextVersion()),
      ].join('\t') + '\n',
    );
  }
  await writeAll(hosts, 'zone_versions', ZONE_COLUMNS, lines.join(''));
}

/** Zone id meaning "no zone" inside transform(), which cannot map to NULL. Real zone ids are positive. */
const NO_ZONE = -2147483648;
/** Numbers per mutation: keeps each ALTER around 1 MB. */
const APPLY_CHUNK = 20_000;
const MUTATION_TIMEOUT_MS = 10 * 60_000;

export interface ZoneTarget {
  conn: Connection;
  hosts: readonly Connection[];
  database: string;
  /** The table holding rows on each server: `calls`, or `calls_local` in cluster mode. */
  localCalls: string;
}

/**
 * Re-tags stored calls with ALTER TABLE ... UPDATE (a mutation, available since 18.12). Mutations run
 * asynchronously on 18.16 (no mutations_sync), so this waits until system.mutations reports them done.
 * Only rows whose zone really changes are rewritten and counted.
 */
export async function applyZones(
  target: ZoneTarget,
  column: 'caller_id_number' | 'callee_id_number',
  map: readonly NumberZone[],
): Promise<number> {
  const zoneColumn = column === 'caller_id_number' ? 'caller_zone_id' : 'callee_zone_id';
  let changed = 0;
  for (let start = 0; start < map.length; start += APPLY_CHUNK) {
    const chunk = map.slice(start, start + APPLY_CHUNK);
    for (const entry of chunk) {
      if (entry.zone_id !== null && !Number.isInteger(entry.zone_id)) throw new Error(`zone id must be an integer, not ${entry.zone_id}`);
    }
    const numbers = chunk.map((e) => clickhouseString(e.number)).join(',');
    const ids = chunk.map((e) => (e.zone_id === null ? NO_ZONE : e.zone_id)).join(',');
    const newZone = `transform(${column}, [${numbers}], [${ids}], toInt32(${NO_ZONE}))`;
    // :TRICKY: a mutation runs `SET z = if(condition, new, z)` per row; on 18.16 a NULL number makes the
    // condition NULL (NULL IN … and transform(NULL, …) are NULL there) and `if(NULL, …)` is NULL, so the
    // zone of every call without a number became NULL. ifNull(…, 0) makes it a plain 0/1 on every version.
    const condition = `ifNull(${column} IN (${numbers}) AND ifNull(${zoneColumn}, ${NO_ZONE}) != ${newZone}, 0)`;
    const [{ n }] = await target.conn.rows<{ n: number }>(`SELECT count() AS n FROM calls WHERE ${condition}`);
    if (n === 0) continue;
    changed += n;
    await Promise.all(
      target.hosts.map(async (host) => {
        await host.command(
          `ALTER TABLE ${target.localCalls} UPDATE ${zoneColumn} = if(${newZone} = ${NO_ZONE}, NULL, ${newZone}) WHERE ${condition}`,
        );
        await waitForMutations(host, target.database, target.localCalls);
      }),
    );
  }
  return changed;
}

/** Waits until every mutation of `table` on this server is done (18.16 has no mutations_sync). */
export async function waitForMutations(conn: Connection, database: string, table: string): Promise<void> {
  const deadline = Date.now() + MUTATION_TIMEOUT_MS;
  for (let delay = 20; ; delay = Math.min(delay * 2, 1000)) {
    const [{ n }] = await conn.rows<{ n: number }>(
      `SELECT count() AS n FROM system.mutations WHERE database = ${clickhouseString(database)} AND table = ${clickhouseString(table)} AND is_done = 0`,
    );
    if (n === 0) return;
    // 18.16 has no latest_fail_reason column: a failing mutation only shows as never finishing.
    if (Date.now() > deadline) throw new Error(`mutation on ${database}.${table} did not finish within ${MUTATION_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
