import type { Store } from '../store/store.js';
import { makeOutput, n } from './output.js';

/** `callstats compact`: rewrites the embedded store's calls in (account, time) order. */
export async function runCompact(store: Store, json: boolean): Promise<number> {
  const out = makeOutput(json);
  if (!store.compact) {
    out.result({ compacted: false, reason: 'this store keeps its own order' }, 'nothing to do: this store keeps calls in order itself');
    return 0;
  }
  out.progress('compacting: sorting calls by account and time ...');
  const r = await store.compact();
  out.done();
  out.result({ compacted: true, ...r }, `compacted ${n(r.rows)} calls in ${r.seconds.toFixed(1)} s`);
  return 0;
}
