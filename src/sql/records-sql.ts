import type { AndNode } from '../query/ast.js';
import type { CompiledSql } from '../store/store.js';
import type { Dialect } from './dialect.js';
import { CALLS_ALIAS } from './field-sql.js';
import { ParamCollector } from './params.js';
import { fromSql, whereSql } from './stats-sql.js';

/** Columns every records query returns, from the calls table; regions are added from the zone table in code. */
export const RECORD_COLUMNS = [
  'call_id',
  'call_time',
  'call_direction',
  'caller_id_name',
  'caller_id_number',
  'caller_zone_id',
  'callee_id_number',
  'callee_zone_id',
  'duration_seconds',
  'billing_seconds',
  'ringing_seconds',
  'unanswered',
  'hangup_cause',
] as const;

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
  const cols = RECORD_COLUMNS.map((c) =>
    c === 'unanswered'
      ? `${dialect.booleanAsInteger(`${CALLS_ALIAS}.unanswered`)} AS unanswered`
      : `${CALLS_ALIAS}.${dialect.identifier(c)} AS ${c}`,
  );
  const limit = input.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(input.limit))}` : '';
  return {
    sql: `SELECT ${cols.join(', ')} FROM ${fromSql(input.filters, undefined, dialect, input.account)} WHERE ${where} ORDER BY ${CALLS_ALIAS}.call_time, ${CALLS_ALIAS}.call_id${limit}`,
    params: params.values,
  };
}
