import type { Store } from '../store/store.js';

/** How often `serve` looks at the tail of new calls. */
const POLL_MS = 1000;

/** The background maintenance of `serve`: its current step (if any) and how to stop it. */
export interface MaintenanceLoop {
  /** The step running now, or a settled promise; shutdown waits for it until its deadline. */
  current(): Promise<void>;
  /** True while a step runs. */
  readonly busy: boolean;
  /** No step starts after this. */
  stop(): void;
}

export interface MaintenanceSchedule {
  /** A step runs once this many new calls wait (CALLSTATS_MAINTENANCE_CALLS; 0: never in the background). */
  calls: number;
  /** ... or once the first waiting call has waited this long (CALLSTATS_MAINTENANCE_IDLE). */
  idleMs: number;
}

/**
 * Sorts new calls while `serve` runs (store.compact(): one incremental step and the merges it makes
 * due, maintenance.ts), once `calls` new calls wait or the first of them has waited `idleMs`.
 * :TRICKY: the age of the tail, not a pause in it: under a steady trickle (10 calls/s) the tail
 * never stops growing, and "idle for 30 s" would leave calls unsorted for hours; by age no call
 * waits longer than `idleMs` plus one step, and the tiered merge (merge-runs.ts) absorbs the
 * small runs that makes. A step never holds the write lock, so ingest goes on meanwhile; one step
 * at a time; a failed step leaves the store as it was and is tried again at the next occasion.
 */
export function startMaintenance(
  store: Store,
  schedule: MaintenanceSchedule,
  log: (line: string) => void,
  /** Told of every step: its seconds, or undefined when it failed (the compaction metrics). */
  stepDone: (seconds: number | undefined) => void = () => undefined,
): MaintenanceLoop {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  /** When the tail was first seen non-empty since the last step (undefined: empty). */
  let waitingSince: number | undefined;
  const compact = store.compact?.bind(store);
  const unsorted = store.unsortedCalls?.bind(store);

  const tick = async () => {
    if (stopped || !compact || !unsorted) return;
    try {
      const n = await unsorted();
      const now = Date.now();
      waitingSince = n === 0 ? undefined : (waitingSince ?? now);
      if (n > 0 && (n >= schedule.calls || now - (waitingSince ?? now) >= schedule.idleMs) && !stopped) {
        busy = true;
        const r = await compact();
        stepDone(r.seconds);
        const merged = r.merges ? `, then ${r.merges} merges of small runs (${r.mergedRows ?? 0} calls),` : '';
        if (r.rows > 0) log(`callstats: maintenance sorted ${r.rows} new calls${merged} in ${r.seconds.toFixed(1)} s`);
        waitingSince = undefined;
      }
    } catch (err) {
      if (busy) stepDone(undefined);
      log(`callstats: maintenance step failed (the store is unchanged by it): ${(err as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const loop = () => {
    if (stopped) return;
    running = tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, POLL_MS).unref();
    });
  };
  if (schedule.calls > 0 && compact && unsorted) loop();
  return {
    current: () => running,
    get busy() {
      return busy;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
