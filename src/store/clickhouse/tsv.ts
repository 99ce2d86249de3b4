import type { Call } from '../../core/call.js';

/**
 * TabSeparated encoding. The JS client has no RowBinary, and TSV is the cheapest text format for the
 * server to parse. Escaping follows ClickHouse's TSV rules: backslash first, then the characters that
 * would end a field or a row; `\N` is NULL.
 */
export function tsvString(value: string): string {
  // Fast path: most values hold nothing to escape (a char loop beats a regex test here).
  let plain = true;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 92 || code === 9 || code === 10 || code === 13 || code === 0) {
      plain = false;
      break;
    }
  }
  if (plain) return value;
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\0/g, '\\0');
}

function nullableString(value: string | null): string {
  return value === null ? '\\N' : tsvString(value);
}

function integer(value: number, field: string): string {
  if (!Number.isSafeInteger(value)) throw new Error(`${field} must be an integer, not ${value}`);
  return String(value);
}

function nullableInteger(value: number | null, field: string): string {
  return value === null ? '\\N' : integer(value, field);
}

/** One calls row in CALL_COLUMNS order, with its line end. */
export function callTsvRow(c: Call): string {
  if (c.call_direction !== 'inbound' && c.call_direction !== 'outbound') {
    throw new Error(`call_direction must be inbound or outbound, not '${String(c.call_direction)}'`);
  }
  return (
    tsvString(c.account_id) + '\t' +
    tsvString(c.call_id) + '\t' +
    integer(c.call_time, 'call_time') + '\t' +
    c.call_direction + '\t' +
    nullableString(c.caller_id_name) + '\t' +
    nullableString(c.caller_id_number) + '\t' +
    nullableString(c.callee_id_number) + '\t' +
    nullableInteger(c.caller_zone_id, 'caller_zone_id') + '\t' +
    nullableInteger(c.callee_zone_id, 'callee_zone_id') + '\t' +
    integer(c.duration_seconds, 'duration_seconds') + '\t' +
    integer(c.billing_seconds, 'billing_seconds') + '\t' +
    nullableInteger(c.ringing_seconds, 'ringing_seconds') + '\t' +
    (c.unanswered ? '1' : '0') + '\t' +
    nullableString(c.hangup_cause) + '\n'
  );
}

/** One call_ids row: account_id, call_id, call_time. */
export function callIdTsvRow(c: Call): string {
  return tsvString(c.account_id) + '\t' + tsvString(c.call_id) + '\t' + integer(c.call_time, 'call_time') + '\n';
}
