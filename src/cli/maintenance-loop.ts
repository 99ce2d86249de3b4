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
  /** ... or once the waiting calls stopped growing for this long (CALLSTATS_MAINTENANCE_IDLE). */
  idleMs: number;
}

/**
 * Sorts new calls while `serve` runs (store.compact(): one incremental step, maintenance.ts), after
 * `calls` new calls or `idleMs` without new ones. A step never holds the write lock, so ingest
 * goes on meanwhile; one step at a time; a failed step leaves the store as it was and is tried
 * again at the next occasion.
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
  let lastCount = -1;
  let lastChange = Date.now();
  const compact = store.compact?.bind(store);
  const unsorted = store.unsortedCalls?.bind(store);

  const tick = async () => {
    if (stopped || !compact || !unsorted) return;
    try {
      const n = await unsorted();
      const now = Date.now();
      if (n !== lastCount) {
        lastCount = n;
        lastChange = now;
      }
      if (n > 0 && (n >= schedule.calls || now - lastChange >= schedule.idleMs) && !stopped) {
        busy = true;
        const r = await compact();
        stepDone(r.seconds);
        if (r.rows > 0) log(`callstats: maintenance sorted ${r.rows} new calls in ${r.seconds.toFixed(1)} s`);
        lastCount = -1;
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
