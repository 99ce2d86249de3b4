import type { DuckDBConnection } from '@duckdb/node-api';
import type { Call } from '../../core/call.js';
import type { InsertResult } from '../store.js';
import { appendCalls, dedupeBatch } from './append-calls.js';
import type { Database } from './database.js';
import { Deadline } from './deadline.js';
import { classifyFault, faultError } from './faults.js';

/** Writes of the embedded store: one transaction at a time on the writer connection (maintenance in maintenance.ts). */
export class Writes {
  constructor(private readonly db: Database) {}

  /**
   * Runs `fn` inside one write transaction under the write lock; rolls back on any error. With
   * `timed`, the whole call (waiting for the lock included) is bounded by the query timeout: a
   * statement running at the deadline is interrupted, and a transaction past it is never committed.
   * A fatal error (disk full) reopens the instance before the lock is let go, so the next write
   * finds a working store, and reads are never refused for long.
   */
  async transaction<T>(fn: (c: DuckDBConnection) => Promise<T>, timed = true): Promise<T> {
    const db = this.db;
    const deadline = timed ? new Deadline(db.timeoutMs) : undefined;
    const work = db.writeLock.run(async () => {
      if (deadline?.expired) throw deadline.error();
      const w = await db.writerLocked();
      const stop = deadline?.onExpire(() => w.interrupt());
      let result: T;
      let committing = false;
      try {
        await w.run('BEGIN TRANSACTION');
        result = await fn(w);
        if (deadline?.expired) throw deadline.error();
        // A COMMIT is never interrupted: past the deadline the caller has its 503 already, and
        // the batch is either wholly stored (a re-send counts it as duplicates) or not at all.
        stop?.();
        committing = true;
        await w.run('COMMIT');
        return result;
      } catch (err) {
        const { kind } = classifyFault(err);
        if (kind === 'durable' && committing) {
          await db.reopenLocked().catch(() => undefined);
          return result!;
        }
        await w.run('ROLLBACK').catch(() => undefined);
        if (kind === 'invalidated' || kind === 'durable') await db.reopenLocked().catch(() => undefined);
        if (kind === 'interrupted' && deadline?.expired) throw deadline.error();
        throw faultError(err, db.memoryLimit);
      } finally {
        stop?.();
        // Statistics DuckDB planned with are out of date now, committed or not.
        db.generation++;
      }
    });
    if (!deadline) return work;
    try {
      return await deadline.race(work);
    } finally {
      deadline.done();
    }
  }

  /** Runs `fn` while no maintenance step runs (maintenance.ts), for writes that update stored calls. */
  apartFromMaintenance<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.maintenanceLock.run(fn);
  }

  async insertCalls(calls: readonly Call[]): Promise<InsertResult> {
    if (calls.length === 0) return { inserted: 0, duplicates: 0 };
    const unique = dedupeBatch(calls);
    const inserted = await this.transaction(async (w) => {
      await w.run('CREATE TEMP TABLE IF NOT EXISTS staging_calls AS SELECT * FROM calls_tail LIMIT 0');
      await w.run('DELETE FROM staging_calls');
      await appendCalls(w, 'staging_calls', unique);
      // :TRICKY: calls has no key index (migration 3): a re-sent call is found by this anti-join,
      // inside the batch's transaction and under the write lock, so no other insert can race it.
      // It costs one scan of account_id/call_id (~0.25 s at 10M calls, pruned to the batch's
      // accounts by zone maps once compacted) per batch instead of an index probe per call. New
      // calls land in the small unsorted tail; maintenance.ts moves them into sorted runs.
      const result = await w.run(`INSERT INTO calls_tail SELECT s.* FROM staging_calls s
        WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.account_id = s.account_id AND c.call_id = s.call_id)`);
      const n = Number(result.rowsChanged);
      await w.run('DELETE FROM staging_calls');
      return n;
    });
    return { inserted, duplicates: calls.length - inserted };
  }
}
