import type { Database } from './database.js';
import { classifyFault, faultError } from './faults.js';
import { closeQuietly } from './pool.js';

/** What one maintenance step did. */
export interface MaintenanceResult {
  /** Calls moved from the tail into the sorted table (0: nothing to do). */
  rows: number;
  seconds: number;
}

/**
 * One incremental maintenance step: the calls stored since the last step (the tail) become one
 * sorted run of `calls_sorted`, in (account, time, call_id) order, so that a per-account question
 * skips the row groups of other accounts. Nothing already sorted is read or rewritten: the step's
 * work is the tail's size, however large the store (docs/performance.md, "Maintenance").
 *
 * :TRICKY: it runs on a connection of its own and never takes the write lock, so an ingest batch
 * never waits for it. That is exact because of DuckDB's snapshot isolation: the step's INSERT
 * reads, and its DELETE removes, only the tail rows its transaction sees; a batch committed
 * meanwhile is invisible to it and stays in the tail for the next step. Readers and the
 * duplicate check see the `calls` view (schema.ts 4) before or after the step, never between:
 * each call is in exactly one of the two tables in every snapshot. A crash before COMMIT leaves
 * the tail as it was (the WAL has no trace of the step); after it, the move is whole.
 * The one write it must not race is an UPDATE of stored calls (re-zoning, zones.ts): DuckDB lets
 * an update of a row that an open transaction deleted commit, and the update would be lost, so
 * those take `maintenanceLock` too.
 */
export async function moveTail(db: Database, maxRunRows = MAX_RUN_ROWS): Promise<MaintenanceResult> {
  const started = performance.now();
  let rows = 0;
  for (;;) {
    const moved = await moveRun(db, maxRunRows);
    rows += moved;
    if (moved < maxRunRows) break;
  }
  return { rows, seconds: (performance.now() - started) / 1000 };
}

/**
 * Most calls one run takes: a bulk import's tail is sorted in runs of this size, so one sort's
 * memory stays bounded and each run still spans several row groups (122,880 rows each) that a
 * per-account question can skip.
 */
export const MAX_RUN_ROWS = 1_000_000;

/** Moves the oldest `maxRows` calls of the tail (all, when fewer) into one sorted run; returns how many. */
async function moveRun(db: Database, maxRows: number): Promise<number> {
  return db.maintenanceLock.run(async () => {
    if (db.reopening) await db.reopening.catch(() => undefined);
    const instance = db.instance;
    if (!instance) return 0;
    const c = await instance.connect();
    let rows = 0;
    try {
      await c.run('BEGIN TRANSACTION');
      try {
        // :TRICKY: the first `maxRows` rows by row id. A batch committed after this transaction
        // began is appended after every row it sees, so its row ids are higher and it is never
        // cut (no checkpoint renumbers row ids while this transaction is open).
        const [cut] = (
          await c.runAndReadAll(`SELECT rowid AS r FROM calls_tail ORDER BY rowid LIMIT 1 OFFSET ${Math.floor(maxRows)}`)
        ).getRowObjectsJS();
        const part = cut === undefined ? '' : ` WHERE rowid < ${String(cut.r)}`;
        // preserve_insertion_order is off (a global setting, and reads are faster without it);
        // DuckDB still appends an ORDER BY's rows in order, and order is only speed, never answers.
        rows = Number(
          (await c.run(`INSERT INTO calls_sorted SELECT * FROM calls_tail${part} ORDER BY account_id, call_time, call_id`)).rowsChanged,
        );
        const deleted = rows === 0 ? 0 : Number((await c.run(`DELETE FROM calls_tail${part}`)).rowsChanged);
        if (deleted !== rows) throw new Error(`maintenance moved ${rows} calls but removed ${deleted} from the tail`);
        if (rows === 0) await c.run('ROLLBACK');
        else await c.run('COMMIT');
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

/** Calls waiting in the tail for the next maintenance step. */
export const TAIL_COUNT_SQL = 'SELECT count(*) AS n FROM calls_tail';
