import type { Database } from './database.js';
import { CALL_COLUMNS, maintenanceTransaction, nextRun } from './maintenance-tx.js';
import { mergeNext } from './merge-runs.js';
import { PARTITION_SQL } from './schema.js';

/** What one maintenance step did. */
export interface MaintenanceResult {
  /** Calls moved from the tail into sorted runs (0: nothing to do). */
  rows: number;
  seconds: number;
  /** Merges of small runs that followed (merge-runs.ts) and the calls they rewrote. */
  merges: number;
  mergedRows: number;
}

/**
 * One incremental maintenance step: the calls stored since the last step (the tail) become sorted
 * runs of `calls_sorted`, one per UTC month they fall in, each in (account, time, call_id) order so
 * that a per-account question skips the row groups of other accounts; then the months with
 * MERGE_FAN_IN runs of one size tier have those merged (merge-runs.ts). Nothing else is read or
 * rewritten: the step's work is the tail's size, a merge's the runs it merges, however large the
 * store (docs/performance.md, "Maintenance").
 *
 * :TRICKY: it runs on a connection of its own and takes the write lock only for its COMMIT
 * (maintenance-tx.ts says why), so an ingest batch waits at most for that. That is exact because
 * of DuckDB's snapshot isolation: the step's INSERT reads, and its DELETE removes, only the tail
 * rows its transaction sees; a batch committed meanwhile is invisible to it and stays in the tail
 * for the next step. Readers and the duplicate check see the `calls` view (schema.ts 5) before or
 * after the step, never between: each call is in exactly one of the two tables in every snapshot. A crash before COMMIT leaves
 * the tail as it was (the WAL has no trace of the step); after it, the move is whole.
 * The one write it must not race is an UPDATE or DELETE of stored calls (re-zoning, prune):
 * DuckDB lets an update of a row that an open transaction deleted commit, and the update would
 * be lost, so those take `maintenanceLock` too.
 */
export async function moveTail(db: Database, maxRunRows = MAX_RUN_ROWS, merge = true): Promise<MaintenanceResult> {
  const started = performance.now();
  let rows = 0;
  for (;;) {
    const moved = await moveRun(db, maxRunRows);
    rows += moved;
    if (moved < maxRunRows) break;
  }
  let merges = 0;
  let mergedRows = 0;
  for (let m = merge ? await mergeNext(db) : undefined; m; m = await mergeNext(db)) {
    merges++;
    mergedRows += m.moved;
  }
  return { rows, seconds: (performance.now() - started) / 1000, merges, mergedRows };
}

/**
 * Most calls one step's transaction takes: a bulk import's tail is sorted in several, so one
 * sort's memory stays bounded.
 */
export const MAX_RUN_ROWS = 1_000_000;

/** Moves the oldest `maxRows` calls of the tail (all, when fewer) into sorted runs; returns how many. */
function moveRun(db: Database, maxRows: number): Promise<number> {
  return maintenanceTransaction(db, async (c) => {
    // :TRICKY: the first `maxRows` rows by row id. A batch committed after this transaction
    // began is appended after every row it sees, so its row ids are higher and it is never
    // cut (no checkpoint renumbers row ids while this transaction is open).
    const [cut] = (
      await c.runAndReadAll(`SELECT rowid AS r FROM calls_tail ORDER BY rowid LIMIT 1 OFFSET ${Math.floor(maxRows)}`)
    ).getRowObjectsJS();
    const part = cut === undefined ? '' : ` WHERE rowid < ${String(cut.r)}`;
    const run = await nextRun(c);
    // preserve_insertion_order is off (a global setting, and reads are faster without it);
    // DuckDB still appends an ORDER BY's rows in order, and order is only speed, never answers.
    // Month first: each month's calls of the step are one contiguous run that a merge of that
    // month can take without touching the others.
    const rows = Number(
      (
        await c.run(
          `INSERT INTO calls_sorted (${CALL_COLUMNS}, run) SELECT ${CALL_COLUMNS}, ${run} FROM calls_tail${part} ORDER BY ${PARTITION_SQL}, account_id, call_time, call_id`,
        )
      ).rowsChanged,
    );
    if (rows === 0) return 0;
    await c.run(`INSERT INTO sorted_runs SELECT ${run}, ${PARTITION_SQL} AS part, count(*) FROM calls_tail${part} GROUP BY part`);
    const deleted = Number((await c.run(`DELETE FROM calls_tail${part}`)).rowsChanged);
    if (deleted !== rows) throw new Error(`maintenance moved ${rows} calls but removed ${deleted} from the tail`);
    return rows;
  });
}

/** Calls waiting in the tail for the next maintenance step. */
export const TAIL_COUNT_SQL = 'SELECT count(*) AS n FROM calls_tail';
