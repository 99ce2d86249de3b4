import type { Store } from './store.js';

/** Told the duration of every store call: its Store method, seconds, and whether it succeeded. */
export type StoreObserver = (operation: string, seconds: number, ok: boolean) => void;

const TIMED = Symbol('callstats.timedStore');

/**
 * `store` with every promise-returning method timed (`callstats_store_query_duration_seconds`).
 * Streamed reads (`exportCalls`, `stream`, `streamText`) return iterables and are passed through
 * untimed: their time is the client's download, not the store's. Methods run on the real store,
 * never on the proxy, so the engines' private state is untouched.
 */
export function timedStore(store: Store, observe: StoreObserver): Store {
  if ((store as unknown as Record<symbol, unknown>)[TIMED]) return store;
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      if (prop === TIMED) return true;
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        fn = (...args: unknown[]) => {
          const started = performance.now();
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (!(result instanceof Promise)) return result;
          const done = (ok: boolean) => observe(prop, (performance.now() - started) / 1000, ok);
          return result.then(
            (r) => {
              done(true);
              return r;
            },
            (err: unknown) => {
              done(false);
              throw err;
            },
          );
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
