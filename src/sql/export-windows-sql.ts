import type { AndNode } from '../query/ast.js';
import type { CompiledSql } from '../store/store.js';
import type { Dialect } from './dialect.js';
import { CALLS_ALIAS } from './field-sql.js';
import { ParamCollector } from './params.js';
import { fromSql, int, whereSql } from './stats-sql.js';

/**
 * How many matching calls fall in each `slot`-second slice of [lo, hi] (slice k starts at
 * lo + k × slot), only the non-empty slices, in order: what an export needs to cut itself into
 * call_time windows of bounded size (report/export-windows.ts). One aggregate over call_time, no sort of rows.
 */
export function exportSlicesQuery(
  account: string | undefined,
  filters: AndNode,
  range: readonly [number, number],
  slot: number,
  dialect: Dialect,
): CompiledSql {
  const params = new ParamCollector();
  const t = `${CALLS_ALIAS}.call_time`;
  const where = [
    whereSql(account, filters, dialect, params),
    `${t} >= ${dialect.value(range[0], params)}`,
    `${t} <= ${dialect.value(range[1], params)}`,
  ].join(' AND ');
  // call_time - lo is never negative here, so truncating division is the floor.
  const k = dialect.intDiv(`(${t} - ${int(range[0])})`, int(slot));
  return {
    sql: `SELECT ${k} AS k, count(*) AS n FROM ${fromSql(filters, undefined, dialect)} WHERE ${where} GROUP BY k ORDER BY k`,
    params: params.values,
  };
}
