import type { PruneResult } from '../store.js';
import type { Connection } from './connection.js';
import { localTable, type Layout } from './ddl.js';
import { clickhouseString } from './literal.js';
import { waitForMutations } from './zones.js';

/** Where a prune runs: a connection for counts, and every server holding rows. */
export interface PruneTarget {
  conn: Connection;
  hosts: readonly Connection[];
  layout: Layout;
}

/** Bytes of the active parts of the calls tables on every server (old parts are removed a few minutes later). */
async function bytesOnDisk(target: PruneTarget): Promise<number> {
  const tables = [localTable(target.layout, 'calls'), localTable(target.layout, 'call_ids')].map(clickhouseString).join(', ');
  let total = 0;
  for (const host of target.hosts) {
    const [{ n }] = await host.rows<{ n: number | string }>(
      `SELECT sum(bytes_on_disk) AS n FROM system.parts WHERE database = ${clickhouseString(target.layout.database)} AND table IN (${tables}) AND active`,
    );
    total += Number(n);
  }
  return total;
}

/**
 * Deletes the calls (and their ids in call_ids) that started before `before`, of one account when
 * given, with `ALTER TABLE … DELETE` on every server's local tables, and waits for the mutations.
 * :TRICKY: 18.16 has no lightweight DELETE and no `mutations_sync`, so the mutation is polled in
 * system.mutations; it rewrites only the parts holding matching rows, and the old parts are
 * dropped by the server after `old_parts_lifetime` (8 minutes by default), which is when the disk
 * space comes back.
 */
export async function pruneClickHouse(
  target: PruneTarget,
  before: number,
  accountId: string | undefined,
  dryRun: boolean,
): Promise<PruneResult> {
  if (!Number.isSafeInteger(before)) throw new Error(`prune: not a whole second: ${before}`);
  const started = Date.now();
  const where = `call_time < ${before}${accountId === undefined ? '' : ` AND account_id = ${clickhouseString(accountId)}`}`;
  const [{ n }] = await target.conn.rows<{ n: number | string }>(`SELECT count() AS n FROM calls WHERE ${where}`);
  const deleted = Number(n);
  const bytesBefore = await bytesOnDisk(target);
  if (deleted > 0 && !dryRun) {
    await Promise.all(
      target.hosts.map(async (host) => {
        for (const table of [localTable(target.layout, 'calls'), localTable(target.layout, 'call_ids')]) {
          await host.command(`ALTER TABLE ${table} DELETE WHERE ${where}`);
          await waitForMutations(host, target.layout.database, table);
        }
      }),
    );
  }
  return { deleted, dryRun, bytesBefore, bytesAfter: await bytesOnDisk(target), seconds: (Date.now() - started) / 1000 };
}
