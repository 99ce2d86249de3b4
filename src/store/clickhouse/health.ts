import { storeUnavailable } from '../../core/errors.js';

/** How long after a request found the store silent further requests fail at once instead of waiting. */
export const RECHECK_AFTER_MS = 1_000;

/**
 * Whether the store answered lately, shared by every connection of one store. After a request got no
 * answer (refused, reset, timed out), requests do not each wait `CALLSTATS_QUERY_TIMEOUT` again: for
 * `RECHECK_AFTER_MS` they fail at once, then one probe (`SELECT 1`, bounded by the same timeout) decides
 * for everyone waiting. Any answer marks the store up again, so it heals without a restart.
 *
 * :TRICKY: without this, a request that waits the timeout for its key look-up would wait it a second
 * time for its query, answering after twice CALLSTATS_QUERY_TIMEOUT.
 */
export class Health {
  private failedAt: number | undefined;
  private reason = '';
  private probing: Promise<void> | undefined;

  constructor(
    private readonly probe: () => Promise<void>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True while the last request got no answer. */
  get down(): boolean {
    return this.failedAt !== undefined;
  }

  up(): void {
    this.failedAt = undefined;
  }

  failed(reason: string): void {
    this.failedAt = this.now();
    this.reason = reason;
  }

  /** Resolves when the store may be asked; throws a 503 while it is known not to answer. */
  async ready(): Promise<void> {
    if (this.failedAt === undefined) return;
    if (this.probing) return this.probing;
    if (this.now() - this.failedAt < RECHECK_AFTER_MS) throw storeUnavailable(this.reason);
    this.probing = this.probe().finally(() => (this.probing = undefined));
    return this.probing;
  }
}
