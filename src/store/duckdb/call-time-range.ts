/**
 * The first and last call_time of the stored calls, as the table-range step of a statistics
 * question or an export needs it (report/statistics.ts callTimeWindow): a range that contains
 * every stored call's call_time, kept in the process instead of asked of DuckDB each time.
 *
 * :TRICKY: DuckDB answers `SELECT min(call_time), max(call_time) FROM t` at planning time, from
 * the table's statistics (EXPLAIN shows a COLUMN_DATA_SCAN), and those statistics are not read in
 * the query's snapshot. While a maintenance step committed its move of the tail into the sorted
 * runs, one such query saw the tail already emptied and the sorted table's statistics from before
 * the move: its `max` was the old one, and the answer left out every call of the moved tail
 * (test/store/read-your-writes.test.ts failed about once in 40 runs under load; a scan with
 * `FILTER (WHERE true)`, which DuckDB cannot fold, is exact but reads the whole column: 6.4 vs
 * 1.2 ms at 1M calls). So the range is:
 *
 * - once per opened store, on first use, an exact scan: one snapshot, each call in exactly one of
 *   the two tables (maintenance.ts), however it races a step;
 * - widened by every batch's own call_time bounds **before** its transaction begins, so no
 *   snapshot ever holds a call outside the range: a reader that sees the batch committed also
 *   sees the wider range, whatever the order of its reads.
 *
 * It may be wider than the calls (a batch rolled back, duplicates, calls pruned): that only costs
 * (more offset segments, the exact matching-range query when too many buckets), never an answer.
 * A prune forgets the scan so the next use measures the smaller store again.
 */
export class CallTimeRange {
  /** Every batch's bounds since the store was opened, committed or not. */
  private widened: [number, number] | undefined;
  /** The exact scan, once done; undefined: not yet, or forgotten after a prune. */
  private scanned: Promise<[number, number] | undefined> | undefined;

  /** Called before a batch with these call_time bounds is written. */
  widen(lo: number, hi: number): void {
    this.widened = this.widened ? [Math.min(this.widened[0], lo), Math.max(this.widened[1], hi)] : [lo, hi];
  }

  /** After calls were deleted: the next range comes from a new scan (the batches' bounds stay). */
  forgetScan(): void {
    this.scanned = undefined;
  }

  /** A range containing every stored call's call_time; undefined when the store holds none. */
  async range(scan: () => Promise<[number, number] | undefined>): Promise<[number, number] | undefined> {
    if (!this.scanned) {
      const pending = scan();
      this.scanned = pending;
      // A failed scan is tried again by the next caller.
      pending.catch(() => {
        if (this.scanned === pending) this.scanned = undefined;
      });
    }
    const exact = await this.scanned;
    const w = this.widened;
    if (!exact) return w && [w[0], w[1]];
    return w ? [Math.min(exact[0], w[0]), Math.max(exact[1], w[1])] : exact;
  }
}

/**
 * The exact scan: `FILTER (WHERE true)` keeps DuckDB from folding the aggregates into constants
 * from its statistics (see CallTimeRange), so both tables are read in the query's one snapshot
 * (test/store/duckdb-call-time-range.test.ts checks the plan scans).
 */
export const CALL_TIME_SCAN_SQL = `SELECT min(lo) AS lo, max(hi) AS hi FROM (${['calls_sorted', 'calls_tail']
  .map((t) => `SELECT min(call_time) FILTER (WHERE true) AS lo, max(call_time) FILTER (WHERE true) AS hi FROM ${t}`)
  .join(' UNION ALL ')}) r`;
