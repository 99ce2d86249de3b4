import type { DuckDBConnection } from '@duckdb/node-api';
import type { Call } from '../../core/call.js';
import type { InsertResult } from '../store.js';
import { appendCalls, dedupeBatch } from './append-calls.js';
import type { Database } from './database.js';
import { Deadline } from './deadline.js';
import { classifyFault, faultError } from './faults.js';

/** Writes of the embedded store: one transaction at a time on the writer connection, and compaction. */
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

  async insertCalls(calls: readonly Call[]): Promise<InsertResult> {
    if (calls.length === 0) return { inserted: 0, duplicates: 0 };
    const unique = dedupeBatch(calls);
    const inserted = await this.transaction(async (w) => {
      await w.run('CREATE TEMP TABLE IF NOT EXISTS staging_calls AS SELECT * FROM calls LIMIT 0');
      await w.run('DELETE FROM staging_calls');
      await appendCalls(w, 'staging_calls', unique);
      // :TRICKY: calls has no key index (migration 3): a re-sent call is found by this anti-join,
      // inside the batch's transaction and under the write lock, so no other insert can race it.
      // It costs one scan of account_id/call_id (~0.25 s at 10M calls, pruned to the batch's
      // accounts by zone maps once compacted) per batch instead of an index probe per call.
      const result = await w.run(`INSERT INTO calls SELECT s.* FROM staging_calls s
        WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.account_id = s.account_id AND c.call_id = s.call_id)`);
      const n = Number(result.rowsChanged);
      await w.run('DELETE FROM staging_calls');
      return n;
    });
    return { inserted, duplicates: calls.length - inserted };
  }

  /** Rewrites the calls in (account, time) order under the write lock; not bounded by the query timeout. */
  async compact(): Promise<void> {
    const db = this.db;
    await db.writeLock.run(async () => {
      const w = await db.writerLocked();
      try {
        await this.rewriteSorted(w);
      } catch (err) {
        const { kind } = classifyFault(err);
        if (kind === 'invalidated' || kind === 'durable') await db.reopenLocked().catch(() => undefined);
        throw faultError(err, db.memoryLimit);
      } finally {
        db.generation++;
      }
    });
  }

  /** compact(): the calls rewritten in (account, time) order, then a checkpoint. */
  private async rewriteSorted(w: DuckDBConnection): Promise<void> {
    // The copy gets the calls table's own DDL (columns and NOT NULLs) under a new name.
    const ddl = String(
      (await w.runAndReadAll(`SELECT sql FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'calls'`)).getRowObjectsJS()[0]
        .sql,
    ).replace(/^CREATE TABLE calls\s*\(/i, 'CREATE TABLE calls_sorted(');
    // :TRICKY: sorting the whole table needs more memory than ingest does; the rewrite spills
    // to `<file>.tmp`, and order is only kept with preserve_insertion_order.
    await w.run(`SET preserve_insertion_order = true`);
    await w.run(`SET memory_limit = '${this.db.options.compactMemoryLimit ?? '4GB'}'`);
    try {
      await w.run('BEGIN TRANSACTION');
      try {
        await w.run('DROP TABLE IF EXISTS calls_sorted');
        await w.run(ddl);
        await w.run('INSERT INTO calls_sorted SELECT * FROM calls ORDER BY account_id, call_time, call_id');
        await w.run('DROP TABLE calls');
        await w.run('ALTER TABLE calls_sorted RENAME TO calls');
        await w.run(`UPDATE store_meta SET value = (SELECT count(*) FROM calls) WHERE key = 'sorted_rows'`);
        await w.run('COMMIT');
      } catch (err) {
        await w.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
      await checkpointSoon(w);
    } finally {
      // On an invalidated instance these fail too; the reopen starts from the instance's options.
      await w.run(`SET preserve_insertion_order = false`).catch(() => undefined);
      await w.run(`SET memory_limit = '${this.db.memoryLimit}'`).catch(() => undefined);
    }
  }
}

/**
 * CHECKPOINT after compaction, tried again while DuckDB says other transactions are active.
 * :TRICKY: readers of a busy server can keep DuckDB refusing ("there are other write transactions
 * active"); the compaction itself is committed by then (the WAL holds it), so after a few tries it
 * is left to the next automatic checkpoint instead of failing a job that already succeeded.
 * FORCE CHECKPOINT is not used: it aborts the clients' queries.
 */
async function checkpointSoon(w: DuckDBConnection): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      return void (await w.run('CHECKPOINT'));
    } catch (err) {
      if (!/other write transactions active/i.test((err as Error).message)) throw err;
      if (tries >= 50) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
