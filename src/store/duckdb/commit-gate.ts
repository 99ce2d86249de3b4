/**
 * Keeps read queries from starting while a maintenance step commits (maintenance-tx.ts).
 *
 * :TRICKY: DuckDB 1.5's COMMIT is not atomic for a transaction that starts during it. The commit
 * takes its id first and then marks the transaction's inserted and deleted rows with it one
 * row group at a time, so a read that begins in between can see some of a step's new rows and
 * none of its deletes: calls counted twice (measured: 150 of 3,497 counts of a 240,000-row table
 * wrong during ten merges, as 480,000, 440,704 or 356,736; 0 of 13,011 with this gate;
 * docs/performance.md, "Round 7"). A read that began before the commit sees the old snapshot
 * whole, and one that begins after it the new one, so the gate only has to keep a query's start
 * out of the commit: readers hold it while their statement starts (a streamed one until its
 * result is there, a materialised one until it is read), and a commit waits for the readers in
 * flight and holds new ones back until it is done. Writer-preferring, so 32 clients reading
 * without a pause cannot starve a step.
 */
export class CommitGate {
  private readers = 0;
  private drained: (() => void) | undefined;
  private closedUntil: Promise<void> | undefined;

  /** Runs a read's start; waits while a commit is pending. */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    while (this.closedUntil) await this.closedUntil;
    this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      if (this.readers === 0 && this.drained) this.drained();
    }
  }

  /** Runs `commit` once no read is starting, holding new reads back until it settles. */
  async exclusive<T>(commit: () => Promise<T>): Promise<T> {
    while (this.closedUntil) await this.closedUntil;
    let open!: () => void;
    this.closedUntil = new Promise<void>((resolve) => (open = resolve));
    try {
      if (this.readers > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = undefined;
      return await commit();
    } finally {
      this.closedUntil = undefined;
      open();
    }
  }

  /** Reads starting now (for tests). */
  get inFlight(): number {
    return this.readers;
  }
}
