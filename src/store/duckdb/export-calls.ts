import type { Call } from '../../core/call.js';
import { CALL_SELECT, callFromRow } from '../call-rows.js';
import type { AccountCount, Store } from '../store.js';

/**
 * The embedded store's migration reads, over any store that runs DuckDB's SQL: the DuckDB store itself,
 * and RemoteStore (which sends them to the running server that holds the file).
 */
export async function duckdbAccountCounts(store: Pick<Store, 'all'>): Promise<AccountCount[]> {
  const rows = await store.all({ sql: 'SELECT account_id, count(*) AS n FROM calls GROUP BY account_id ORDER BY account_id', params: [] });
  return rows.map((r) => ({ account: String(r.account_id), calls: Number(r.n) }));
}

/** One account's calls in (call_time, call_id) order, the account as a bound value. */
export async function* duckdbExportCalls(store: Pick<Store, 'stream'>, accountId: string, signal?: AbortSignal): AsyncIterable<Call> {
  const query = { sql: `SELECT ${CALL_SELECT} FROM calls WHERE account_id = $1 ORDER BY call_time, call_id`, params: [accountId] };
  for await (const row of store.stream(query, signal)) yield callFromRow(row);
}
