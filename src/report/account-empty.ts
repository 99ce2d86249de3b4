import type { Store } from '../store/store.js';

/**
 * True when a statistics answer is empty because the account has no calls stored at all, which
 * usually means a mistyped account id, rather than because no call matched the filters. Costs
 * one count, and only on empty answers.
 */
export async function accountIsEmpty(store: Pick<Store, 'countCalls'>, account: string | undefined, data: unknown): Promise<boolean> {
  const empty = typeof data === 'object' && data !== null && Object.keys(data).length === 0;
  // An empty id would count every account's calls.
  return empty && !!account && (await store.countCalls(account)) === 0;
}
