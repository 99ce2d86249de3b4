import { CALL_COLUMN_KINDS, EXPORTED_CALL_COLUMNS } from '../core/call.js';
import type { AndNode } from '../query/ast.js';
import type { CompiledSql } from '../store/store.js';
import type { Dialect } from './dialect.js';
import { CALLS_ALIAS } from './field-sql.js';
import { ParamCollector } from './params.js';
import { fromSql, whereSql } from './stats-sql.js';

/** Where a page of records starts: after this (call_time, call_id). */
export interface RecordCursor {
  call_time: number;
  call_id: string;
}

/** Matching calls ordered by call_time then call_id (byte order on both engines), optionally paged. */
export function recordsQuery(
  input: { account?: string; filters: AndNode; after?: RecordCursor; limit?: number },
  dialect: Dialect,
): CompiledSql {
  const params = new ParamCollector();
  let where = whereSql(input.account, input.filters, dialect, params);
  if (input.after) {
    const t = dialect.value(input.after.call_time, params);
    const t2 = dialect.value(input.after.call_time, params);
    const id = dialect.value(input.after.call_id, params);
    where += ` AND (${CALLS_ALIAS}.call_time > ${t} OR (${CALLS_ALIAS}.call_time = ${t2} AND ${CALLS_ALIAS}.call_id > ${id}))`;
  }
  // The export's stored columns (core/call.ts); regions are added from the zone table in code.
  const cols = EXPORTED_CALL_COLUMNS.map((c) =>
    CALL_COLUMN_KINDS[c] === 'boolean'
      ? `${dialect.booleanAsInteger(`${CALLS_ALIAS}.${c}`)} AS ${c}`
      : `${CALLS_ALIAS}.${dialect.identifier(c)} AS ${c}`,
  );
  const limit = input.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(input.limit))}` : '';
  return {
    sql: `SELECT ${cols.join(', ')} FROM ${fromSql(input.filters, undefined, dialect, input.account)} WHERE ${where} ORDER BY ${CALLS_ALIAS}.call_time, ${CALLS_ALIAS}.call_id${limit}`,
    params: params.values,
  };
}
