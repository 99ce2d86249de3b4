import type { DuckDBConnection } from '@duckdb/node-api';
import { CALL_COLUMN_DEFS } from '../../core/call.js';
import type { Database } from './database.js';
import { classifyFault, faultError } from './faults.js';
import { closeQuietly } from './pool.js';

/** Every calls column in table order: `calls_sorted` has `run` besides, so inserts name them. */
export const CALL_COLUMNS = CALL_COLUMN_DEFS.map((c) => c.name).join(', ');

/**
 * Runs `fn` in one transaction on a connection of its own, under the maintenance lock; only its
 * COMMIT takes the write lock (ingest goes on while the step reads and writes). `fn` returns how
 * many calls it moved.
 * A fault that broke the database reopens it (database.ts), and every error is a CallstatsError.
 */
export async function maintenanceTransaction(db: Database, fn: (c: DuckDBConnection) => Promise<number>): Promise<number> {
  return db.maintenanceLock.run(async () => {
    if (db.reopening) await db.reopening.catch(() => undefined);
    const instance = db.instance;
    if (!instance) return 0;
    const c = await instance.connect();
    let rows = 0;
    try {
      await c.run('BEGIN TRANSACTION');
      try {
        rows = await fn(c);
        // :TRICKY: the COMMIT alone takes the write lock (the step's reads and writes above do
        // not). DuckDB plans from table statistics that are not read in the planning query's
        // snapshot (call-time-range.ts): while this commit moves calls into calls_sorted, a plan
        // could see the tail emptied and the sorted table's statistics from before, and the
        // duplicate check (writes.ts newCallsSql), whose literal call_time bounds DuckDB checks
        // against those statistics, would drop the sorted side (EMPTY_RESULT) and let a re-sent
        // CDR of the moved calls in twice. Writers plan under the write lock, so none plans
        // during a commit; an ingest waits at most for the commit itself. Reads do not start
        // during it either (commit-gate.ts: DuckDB's commit is not atomic for them); the gate is
        // taken inside the write lock, since a read never waits for that lock, so no cycle.
        await db.writeLock.run(() => db.commitGate.exclusive(() => c.run('COMMIT')));
      } catch (err) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        // Plans made with the old statistics are dropped (prepared.ts).
        if (rows > 0) db.generation++;
      }
    } catch (err) {
      const { kind } = classifyFault(err);
      if (kind === 'invalidated' || kind === 'durable') await db.recover(db.epoch);
      throw faultError(err, db.memoryLimit);
    } finally {
      closeQuietly(c);
    }
    return rows;
  });
}

/** The one number a query returns (count, max). */
export async function scalar(c: DuckDBConnection, sql: string): Promise<number> {
  const [row] = (await c.runAndReadAll(sql)).getRowsJS();
  return Number(row?.[0] ?? 0);
}

/** A fresh run id, inside the transaction that uses it (maintenance is serialised by its lock). */
export function nextRun(c: DuckDBConnection): Promise<number> {
  return scalar(c, 'SELECT coalesce(max(run), 0) + 1 FROM sorted_runs');
}
