import type { Call } from '../core/call.js';
import type { StagedCalls, Store } from './store.js';

/**
 * What a committed write may have changed: the calls of `accounts` (`'*'`: any account) whose
 * call_time lies in `[from, to]` (UTC epoch seconds, inclusive), or `'all'` when it cannot be
 * bounded (zones, re-zoning, schema, parent links, any method this file does not know).
 */
export type WriteScope = { accounts: readonly string[] | '*'; from: number; to: number } | 'all';

/** Told of every write once it settled (committed or failed: a failed write may have committed part). */
export type WriteListener = (scope: WriteScope) => void;

/** How one Store method's arguments (and result) bound what it changed; `undefined`: it changed no answer. */
type Scoper = (args: readonly unknown[], result: unknown) => WriteScope | undefined;

/** The calls of one batch: their accounts and their call_time range. */
export function callsScope(calls: readonly Pick<Call, 'account_id' | 'call_time'>[]): WriteScope | undefined {
  if (calls.length === 0) return undefined;
  const accounts = new Set<string>();
  let from = Infinity;
  let to = -Infinity;
  for (const c of calls) {
    accounts.add(c.account_id);
    if (c.call_time < from) from = c.call_time;
    if (c.call_time > to) to = c.call_time;
  }
  return { accounts: [...accounts], from, to };
}

const none: Scoper = () => undefined;

/**
 * Every Store method that writes or could, with what it touches. A method missing here (a new
 * one) drops everything, so nothing can bypass the hook; a new bulk write whose argument or result
 * names its accounts and call_time range only needs its line, e.g.
 * `insertBatch: (_args, r) => ({ accounts: r.accounts, from: r.minCallTime, to: r.maxCallTime })`.
 */
const WRITES: Record<string, Scoper> = {
  insertCalls: (args) => callsScope(args[0] as readonly Call[]),
  // A staged batch (import's workers encoded it) names its accounts and call_time range.
  insertStaged: (args) => {
    const batch = args[0] as StagedCalls;
    return { accounts: batch.accounts, from: batch.minCallTime, to: batch.maxCallTime };
  },
  // Where staged batch files go: a path, no write.
  stagingDir: none,
  prune: (args) => {
    const [before, account, dryRun] = args as [number, string | undefined, boolean | undefined];
    return dryRun ? undefined : { accounts: account === undefined ? '*' : [account], from: -Infinity, to: before - 1 };
  },
  // Sorting rewrites the same calls: no answer changes.
  compact: none,
  // Keys and tokens are checked before any answer is looked up (api/auth.ts).
  insertKey: none,
  revokeKey: none,
  insertWebhookToken: none,
  revokeWebhookToken: none,
};

/** Methods that only read: passed through untouched. */
const READS = new Set([
  'countCalls',
  'accountCounts',
  'exportCalls',
  'listZones',
  'distinctNumbers',
  'getKey',
  'listKeys',
  'getWebhookToken',
  'listWebhookTokens',
  'listAccountParents',
  'unsortedCalls',
  'callTimeRange',
  'backup',
  'all',
  'allAtMost',
  'stream',
  'streamText',
  'streamChunks',
]);

const LISTENER = Symbol('callstats.writeScopeStore');

/**
 * `store` with every write reported to `listen` once it settled, before its caller sees the
 * outcome: an ingest acknowledged to a client has always been reported. The answer cache's hook
 * (report/answer-cache.ts); `serve` wraps its one store with it, so HTTP, webhooks, AMQP, the CLI
 * through the control channel, maintenance and zone changes all pass here.
 */
export function writeScopeStore(store: Store, listen: WriteListener): Store {
  if ((store as unknown as Record<symbol, unknown>)[LISTENER] === listen) return store;
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      if (prop === LISTENER) return listen;
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string' || READS.has(prop)) return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const scoper = WRITES[prop] ?? (() => 'all' as const);
        fn = (...args: unknown[]) => {
          const report = (result: unknown) => {
            const scope = scoper(args, result);
            if (scope !== undefined) listen(scope);
          };
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(target, args);
          } catch (err) {
            listen('all');
            throw err;
          }
          if (!(result instanceof Promise)) {
            report(result);
            return result;
          }
          return result.then(
            (r) => {
              report(r);
              return r;
            },
            (err: unknown) => {
              // A write that failed may have committed in part (a batch, a mutation): bound it as if it had.
              try {
                report(undefined);
              } catch {
                listen('all');
              }
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
