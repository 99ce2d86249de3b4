import { existsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { PruneResult } from '../store.js';
import type { Database } from './database.js';
import { copyDatabase } from './backup.js';
import { PARTITION_SQL } from './schema.js';
import { classifyFault, faultError } from './faults.js';
import type { Writes } from './writes.js';

/** Bytes of the DuckDB file and its WAL (0 for an in-memory store). */
export function storeBytes(path: string): number {
  if (path === ':memory:') return 0;
  return [path, `${path}.wal`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
}

/**
 * Deletes the calls that started before `before` (of one account, when given), then gives the
 * space back by rewriting the file.
 */
export async function pruneCalls(
  db: Database,
  writes: Writes,
  before: number,
  accountId: string | undefined,
  dryRun: boolean,
): Promise<PruneResult> {
  const started = Date.now();
  const bytesBefore = storeBytes(db.path);
  const where = accountId === undefined ? 'call_time < $1' : 'call_time < $1 AND account_id = $2';
  const params = accountId === undefined ? [before] : [before, accountId];
  // :TRICKY: calls is a view over the sorted calls and the tail (schema.ts 5): the rows go from both
  // tables, while no maintenance step moves rows between them (a delete racing the move is lost).
  const deleted = await writes.apartFromMaintenance(() =>
    writes.transaction(async (w) => {
      const n = Number((await w.runAndReadAll(`SELECT count(*) AS n FROM calls WHERE ${where}`, params)).getRowObjectsJS()[0].n);
      if (n > 0 && !dryRun) {
        for (const table of ['calls_sorted', 'calls_tail']) await w.run(`DELETE FROM ${table} WHERE ${where}`, params);
        // The run catalog the merge policy reads must count what is left (a run emptied is not
        // listed). A recount reads two integer columns; the file rewrite below costs far more.
        await w.run('DELETE FROM sorted_runs');
        await w.run(`INSERT INTO sorted_runs SELECT run, ${PARTITION_SQL} AS part, count(*) FROM calls_sorted GROUP BY ALL`);
      }
      return n;
    }, false),
  );
  if (deleted > 0 && !dryRun) db.callTimes.forgetScan();
  if (deleted > 0 && !dryRun && db.path !== ':memory:') await rewriteFile(db);
  return { deleted, dryRun, bytesBefore, bytesAfter: storeBytes(db.path), seconds: (Date.now() - started) / 1000 };
}

/**
 * Copies the database into a new file and swaps it in, under the write lock.
 * :TRICKY: a DuckDB DELETE only marks rows, and neither CHECKPOINT, VACUUM nor rewriting the table
 * in place shrinks the file (measured on 1.5: the rewritten table lands in fresh blocks at the end,
 * the freed ones stay in the middle). A copy holds only live rows. Writes wait meanwhile; queries
 * running at the swap are interrupted like at a reopen after a fault (database.ts).
 */
async function rewriteFile(db: Database): Promise<void> {
  const copy = `${db.path}.pruned`;
  await db.writeLock.run(async () => {
    await rm(copy, { force: true });
    await rm(`${copy}.wal`, { force: true });
    const w = await db.writerLocked();
    try {
      await copyDatabase(w, copy);
    } catch (err) {
      await rm(copy, { force: true });
      const { kind } = classifyFault(err);
      if (kind === 'invalidated' || kind === 'durable') await db.reopenLocked().catch(() => undefined);
      throw faultError(err, db.memoryLimit);
    }
    await db.reopenLocked(async () => {
      // Closing checkpointed the old WAL into the old file; replayed onto the copy it would corrupt it.
      await rm(`${db.path}.wal`, { force: true });
      await rename(copy, db.path);
      if (existsSync(`${copy}.wal`)) await rename(`${copy}.wal`, `${db.path}.wal`);
    });
  });
}
