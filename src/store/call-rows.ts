import { CALL_COLUMNS, type Call } from '../core/call.js';

/** The calls columns in CALL_COLUMNS order, as a SELECT list (the same names on every engine). */
export const CALL_SELECT = CALL_COLUMNS.join(', ');

const nullableNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const nullableText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * A stored calls row (canonical-row.ts) as a Call. The one engine difference left after the canonical
 * form is `unanswered`: a boolean on DuckDB, UInt8 0/1 on ClickHouse.
 */
export function callFromRow(row: Record<string, unknown>): Call {
  return {
    account_id: String(row.account_id),
    call_id: String(row.call_id),
    call_time: Number(row.call_time),
    call_direction: String(row.call_direction) as Call['call_direction'],
    caller_id_name: nullableText(row.caller_id_name),
    caller_id_number: nullableText(row.caller_id_number),
    callee_id_number: nullableText(row.callee_id_number),
    caller_zone_id: nullableNumber(row.caller_zone_id),
    callee_zone_id: nullableNumber(row.callee_zone_id),
    duration_seconds: Number(row.duration_seconds),
    billing_seconds: Number(row.billing_seconds),
    ringing_seconds: nullableNumber(row.ringing_seconds),
    unanswered: row.unanswered === true || row.unanswered === 1,
    hangup_cause: nullableText(row.hangup_cause),
  };
}
