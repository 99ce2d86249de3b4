import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** Most idle read connections kept for reuse. */
const MAX_IDLE = 8;

/**
 * The read connections of the embedded store: idle ones for reuse, busy ones tracked so that a reopen
 * can interrupt them and wait for them. Each connection remembers the instance (epoch) it came from; a
 * connection of an older instance is closed on release, never pooled.
 */
export class ReadPool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly busy = new Set<DuckDBConnection>();
  private readonly epochs = new WeakMap<DuckDBConnection, number>();

  /** An idle connection, or a new one on `instance`, marked busy. */
  async acquire(instance: DuckDBInstance, epoch: number): Promise<DuckDBConnection> {
    let c = this.idle.pop();
    if (!c) {
      c = await instance.connect();
      this.epochs.set(c, epoch);
    }
    this.busy.add(c);
    return c;
  }

  /** The instance epoch `c` was opened on. */
  epochOf(c: DuckDBConnection): number {
    return this.epochs.get(c)!;
  }

  /** Back to the pool when `reusable` and of `currentEpoch` (undefined: no instance now); closed otherwise. */
  release(c: DuckDBConnection, reusable: boolean, currentEpoch: number | undefined): void {
    this.busy.delete(c);
    if (reusable && this.epochs.get(c) === currentEpoch && this.idle.length < MAX_IDLE) this.idle.push(c);
    else closeQuietly(c);
  }

  closeIdle(): void {
    for (const c of this.idle.splice(0)) closeQuietly(c);
  }

  /**
   * Closes every connection for a reopen: idle ones at once, busy ones after interrupting them and
   * giving them `drainMs` to come back.
   */
  async drain(drainMs: number): Promise<void> {
    const started = Date.now();
    this.closeIdle();
    for (const c of this.busy) c.interrupt();
    while (this.busy.size > 0 && Date.now() - started < drainMs) await new Promise((r) => setTimeout(r, 10));
    // A stream paused by a slow client is still busy: it is cut (its next chunk fails).
    for (const c of this.busy) closeQuietly(c);
    this.busy.clear();
  }
}

/** Closes a connection or instance that may already be closed or invalidated. */
export function closeQuietly(x: { closeSync(): void }): void {
  try {
    x.closeSync();
  } catch {
    // closed twice, or refused by an invalidated database: either way it is gone for us
  }
}
