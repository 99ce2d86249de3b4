import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { CALL_COLUMN_DEFS, type Call, type ColumnKind } from '../../core/call.js';

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

type Append = (a: DuckDBAppender, v: never) => void;

/** How each kind of column is appended (core/call.ts); NULL is handled before. */
const APPEND: Record<ColumnKind, Append> = {
  text: (a, v: string) => a.appendVarchar(v),
  direction: (a, v: string) => a.appendVarchar(v),
  int32: (a, v: number) => a.appendInteger(v),
  int64: (a, v: number) => a.appendBigInt(BigInt(v)),
  boolean: (a, v: boolean) => a.appendBoolean(v),
};

// The registry once, as (name, appender) pairs in column order: the loop below does no lookups.
const COLUMNS = CALL_COLUMN_DEFS.map((c) => [c.name, APPEND[c.kind]] as const);

/** Appends calls to a table with the calls column layout (core/call.ts order) through DuckDB's appender. */
export async function appendCalls(c: DuckDBConnection, table: string, calls: readonly Call[]): Promise<void> {
  const a = await c.createAppender(table, 'main', 'temp');
  for (const call of calls) {
    for (const [name, append] of COLUMNS) {
      const v = call[name];
      if (v === null || v === undefined) a.appendNull();
      else append(a, v as never);
    }
    a.endRow();
  }
  a.closeSync();
}
