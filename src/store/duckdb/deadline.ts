import { storeTimeout } from '../../core/errors.js';

/**
 * A time limit for one store call (`CALLSTATS_QUERY_TIMEOUT`). When it passes, the hooks run (they
 * interrupt DuckDB) and `race` rejects with `storeTimeout` at once, whether or not DuckDB has
 * stopped yet: the caller is never held longer than the limit.
 */
export class Deadline {
  expired = false;
  private readonly hooks = new Set<() => void>();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly ms: number) {
    this.timer = setTimeout(() => this.expire(), ms);
    this.timer.unref();
  }

  private expire(): void {
    this.expired = true;
    for (const h of this.hooks) h();
    this.hooks.clear();
  }

  error(): Error {
    return storeTimeout(Math.round(this.ms / 100) / 10);
  }

  /** Runs `hook` when the deadline passes (at once if it has). */
  onExpire(hook: () => void): () => void {
    if (this.expired) hook();
    else this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** `work`, or a `storeTimeout` rejection at the deadline; a late failure of `work` is swallowed. */
  race<T>(work: Promise<T>): Promise<T> {
    work.catch(() => undefined);
    if (this.expired) return Promise.reject(this.error());
    return Promise.race([
      work,
      new Promise<never>((_, reject) => {
        this.onExpire(() => reject(this.error()));
      }),
    ]);
  }

  done(): void {
    clearTimeout(this.timer);
    this.hooks.clear();
  }
}
