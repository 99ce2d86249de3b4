/**
 * The canonical form of a row leaving a store (`all`, `stream`), the same from every engine:
 * - every integer (any width: INTEGER, BIGINT, HUGEINT, Int64, UInt64) and every float is a JS
 *   `number` (integers are exact below 2^53; call times, durations and counts stay far below);
 * - text and enums are `string`s;
 * - NULL is `null`, never `undefined` or a missing key;
 * - a boolean is `true`/`false` where the engine has a boolean type (DuckDB). ClickHouse 18.16 has
 *   none and stores booleans as UInt8, so a query whose answer must agree across engines selects a
 *   boolean through the dialect's `booleanAsInteger` (0/1 on both), and the typed store methods
 *   (`exportCalls`, `listZones`, `listKeys` ...) return real booleans from every engine.
 * Callers therefore never convert engine types (bigint, numeric strings) again.
 */
export function canonicalRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const k in row) {
    const v = row[k];
    if (typeof v === 'bigint') row[k] = Number(v);
    else if (v === undefined) row[k] = null;
  }
  return row;
}
