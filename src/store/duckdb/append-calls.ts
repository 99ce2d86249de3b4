import type { DuckDBConnection } from '@duckdb/node-api';
import type { Call } from '../../core/call.js';

/** Drops repeats of (account_id, call_id) within one batch, keeping the first. */
export function dedupeBatch(calls: readonly Call[]): Call[] {
  const seen = new Set<string>();
  const out: Call[] = [];
  for (const c of calls) {
    const key = `${c.account_id}\u0000${c.call_id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

/** Appends calls to a table with the calls column layout through DuckDB's appender. */
export async function appendCalls(c: DuckDBConnection, table: string, calls: readonly Call[]): Promise<void> {
  const a = await c.createAppender(table, 'main', 'temp');
  const text = (v: string | null) => (v === null ? a.appendNull() : a.appendVarchar(v));
  const int = (v: number | null) => (v === null ? a.appendNull() : a.appendInteger(v));
  for (const call of calls) {
    a.appendVarchar(call.account_id);
    a.appendVarchar(call.call_id);
    a.appendBigInt(BigInt(call.call_time));
    a.appendVarchar(call.call_direction);
    text(call.caller_id_name);
    text(call.caller_id_number);
    text(call.callee_id_number);
    int(call.caller_zone_id);
    int(call.callee_zone_id);
    a.appendInteger(call.duration_seconds);
    a.appendInteger(call.billing_seconds);
    int(call.ringing_seconds);
    a.appendBoolean(call.unanswered);
    text(call.hangup_cause);
    a.endRow();
  }
  a.closeSync();
}
