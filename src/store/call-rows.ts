import { CALL_COLUMN_DEFS, CALL_COLUMNS, type Call, type ColumnKind } from '../core/call.js';

/** The calls columns in CALL_COLUMNS order, as a SELECT list (the same names on every engine). */
export const CALL_SELECT = CALL_COLUMNS.join(', ');

/**
 * How each kind of column is read from a canonical row (canonical-row.ts). The one engine difference
 * left after the canonical form is `boolean`: true/false on DuckDB, UInt8 0/1 on ClickHouse.
 */
const READ: Record<ColumnKind, (v: unknown) => unknown> = {
  text: (v) => String(v),
  direction: (v) => String(v),
  int32: (v) => Number(v),
  int64: (v) => Number(v),
  boolean: (v) => v === true || v === 1,
};

const COLUMNS = CALL_COLUMN_DEFS.map((c) => [c.name, c.nullable, READ[c.kind]] as const);

/** A stored calls row (canonical-row.ts) as a Call; a missing nullable value is null. */
export function callFromRow(row: Record<string, unknown>): Call {
  const call: Record<string, unknown> = {};
  for (const [name, nullable, read] of COLUMNS) {
    const v = row[name];
    call[name] = nullable && (v === null || v === undefined) ? null : read(v);
  }
  return call as Call;
}
