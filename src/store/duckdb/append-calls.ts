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

/** The appender call for one column of `c` (core/call.ts kinds), NULL first where the column allows it. */
function appendStatement(name: string, kind: ColumnKind, nullable: boolean): string {
  const v = `c.${name}`;
  const append = {
    text: `a.appendVarchar(${v})`,
    direction: `a.appendVarchar(${v})`,
    int32: `a.appendInteger(${v})`,
    int64: `a.appendBigInt(BigInt(${v}))`,
    boolean: `a.appendBoolean(${v})`,
  }[kind];
  return nullable ? `if (${v} === null || ${v} === undefined) a.appendNull(); else ${append};` : `${append};`;
}

/**
 * Appends one call as a row (CALL_COLUMNS order, the calls table's), compiled once from the registry.
 * :TRICKY: generated, not a loop over the registry: reading `c[name]` with a changing key cannot be
 * specialised by V8 and appended about 1.9x slower than these straight-line reads. Names are
 * registry identifiers (checked).
 */
const appendRow = ((): ((a: DuckDBAppender, c: Call) => void) => {
  for (const c of CALL_COLUMN_DEFS) if (!/^[a-z_][a-z0-9_]*$/.test(c.name)) throw new Error(`bad column name ${c.name}`);
  const body = CALL_COLUMN_DEFS.map((c) => appendStatement(c.name, c.kind, c.nullable)).join('\n');
  return new Function('a', 'c', `${body}\na.endRow();`) as (a: DuckDBAppender, c: Call) => void;
})();

/** Appends calls to a table with the calls column layout (core/call.ts order) through DuckDB's appender. */
export async function appendCalls(c: DuckDBConnection, table: string, calls: readonly Call[]): Promise<void> {
  const a = await c.createAppender(table, 'main', 'temp');
  for (const call of calls) appendRow(a, call);
  a.closeSync();
}
