import { CALL_SELECT } from '../call-rows.js';
import type { CompiledSql } from '../store.js';

/**
 * The embedded store's migration reads, shared with RemoteStore (which sends them to the running
 * server that holds the file, through its `all`/`stream`).
 */
export const ACCOUNT_COUNTS_SQL: CompiledSql = {
  sql: 'SELECT account_id, count(*) AS n FROM calls GROUP BY account_id ORDER BY account_id',
  params: [],
};

/** One account's calls in (call_time, call_id) order, the account as a bound value. */
export function exportCallsSql(accountId: string): CompiledSql {
  return { sql: `SELECT ${CALL_SELECT} FROM calls WHERE account_id = $1 ORDER BY call_time, call_id`, params: [accountId] };
}
