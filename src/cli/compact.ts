import type { Store } from '../store/store.js';
import { makeOutput, n } from './output.js';

/**
 * `callstats compact`: one maintenance step now (`serve` runs them by itself): the calls stored
 * since the last step become a sorted run. Already sorted calls are not rewritten, and ingest into
 * a running server goes on meanwhile.
 */
export async function runCompact(store: Store, json: boolean): Promise<number> {
  const out = makeOutput(json);
  if (!store.compact) {
    out.result({ compacted: false, reason: 'this store keeps its own order' }, 'nothing to do: this store keeps calls in order itself');
    return 0;
  }
  out.progress('compacting: sorting the newly stored calls by account and time ...');
  const r = await store.compact();
  out.done();
  out.result({ compacted: true, ...r }, `sorted ${n(r.rows)} newly stored calls in ${r.seconds.toFixed(1)} s`);
  return 0;
}
