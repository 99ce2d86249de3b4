import type { Call } from '../../core/call.js';
import type { InsertResult } from '../store.js';
import type { Writes } from './writes.js';

interface Waiting {
  calls: readonly Call[];
  resolve: (r: InsertResult) => void;
  reject: (err: unknown) => void;
}

/** Calls one shared transaction holds at most; callers past it wait for the next one. */
export const GROUP_MAX_CALLS = 50_000;

/**
 * Group commit for insertCalls (HTTP ingest, feeds): while one insert runs, the callers that come
 * meanwhile wait together and are stored in the next transaction, with one duplicate check, instead
 * of one transaction each (docs/performance.md, "HTTP ingest, round 4": most of a 1,000-call
 * insert is its fixed cost). Each caller is answered only after the commit that holds its calls,
 * with its own counts; a failure of the shared transaction fails each of its callers with that
 * error. A caller alone (an import's batches, a quiet server) is stored as before.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly writes: Writes) {}

  insert(calls: readonly Call[]): Promise<InsertResult> {
    if (calls.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
    return new Promise((resolve, reject) => {
      this.waiting.push({ calls, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.take();
        try {
          const results =
            group.length === 1
              ? [await this.writes.insertCalls(group[0].calls)]
              : await this.writes.insertCallGroups(group.map((w) => w.calls));
          group.forEach((w, i) => w.resolve(results[i]));
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** The callers of the next transaction, in arrival order: at least one, then up to GROUP_MAX_CALLS calls. */
  private take(): Waiting[] {
    let n = 1;
    let calls = this.waiting[0].calls.length;
    while (n < this.waiting.length && calls + this.waiting[n].calls.length <= GROUP_MAX_CALLS) calls += this.waiting[n++].calls.length;
    return this.waiting.splice(0, n);
  }
}
