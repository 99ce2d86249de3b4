import type { Call } from '../../core/call.js';

/**
 * TabSeparated encoding. The JS client has no RowBinary, and TSV is the cheapest text format for the
 * server to parse. Escaping follows ClickHouse's TSV rules: backslash first, then the characters that
 * would end a field or a row; `\N` is NULL.
 *
 * Speed matters here: encoding was the bottleneck of insertCalls (docs/clickhouse.md, "Insert
 * throughput"). Values without special characters are taken as they are after one regex test, and
 * integers are checked with a cheap test and left to the join to print.
 */
const SPECIAL = /[\\\t\n\r\0]/;

function escapeSlow(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\0/g, '\\0');
}

/** A string as one TSV field. */
export function tsvString(value: string): string {
  return SPECIAL.test(value) ? escapeSlow(value) : value;
}

function nullableString(value: string | null): string {
  return value === null ? '\\N' : SPECIAL.test(value) ? escapeSlow(value) : value;
}

function badInteger(field: string, value: unknown): Error {
  return new Error(`${field} must be an integer, not ${String(value)}`);
}

// Int32 columns: `(v | 0) === v` is true exactly for integers in the Int32 range (and false for
// NaN, fractions, strings), which is what the column can hold anyway.
function int32(value: number, field: string): number {
  if ((value | 0) !== value) throw badInteger(field, value);
  return value;
}

function nullableInt32(value: number | null, field: string): number | string {
  return value === null ? '\\N' : int32(value, field);
}

function int64(value: number, field: string): number {
  if (!Number.isSafeInteger(value)) throw badInteger(field, value);
  return value;
}

function direction(value: string): string {
  if (value !== 'inbound' && value !== 'outbound') throw new Error(`call_direction must be inbound or outbound, not '${String(value)}'`);
  return value;
}

/**
 * Appends the first field of a row. join() has one separator only, so a row end is stitched by hand:
 * the previous row's last field and this first field become one value "last\nfirst".
 */
function startRow(fields: (string | number)[], first: string): void {
  if (fields.length === 0) fields.push(first);
  else fields[fields.length - 1] += '\n' + first;
}

/** The TSV text of `fields` (whole rows, stitched by startRow). */
function joinRows(fields: (string | number)[]): string {
  return fields.length === 0 ? '' : fields.join('\t') + '\n';
}

/**
 * The calls rows of a batch (CALL_COLUMNS order) as one TSV text.
 * :TRICKY: built as one array of values and one join, not `row + '\t' + ...` per field: each `+`
 * allocates a rope node, and 27 of them per row made encoding the bottleneck of insertCalls; the
 * join is about twice as fast (docs/clickhouse.md, "Insert throughput").
 */
export function callsTsv(calls: readonly Call[]): string {
  const f: (string | number)[] = [];
  for (const c of calls) {
    startRow(f, tsvString(c.account_id));
    f.push(
      tsvString(c.call_id),
      int64(c.call_time, 'call_time'),
      direction(c.call_direction),
      nullableString(c.caller_id_name),
      nullableString(c.caller_id_number),
      nullableString(c.callee_id_number),
      nullableInt32(c.caller_zone_id, 'caller_zone_id'),
      nullableInt32(c.callee_zone_id, 'callee_zone_id'),
      int32(c.duration_seconds, 'duration_seconds'),
      int32(c.billing_seconds, 'billing_seconds'),
      nullableInt32(c.ringing_seconds, 'ringing_seconds'),
      c.unanswered ? 1 : 0,
      nullableString(c.hangup_cause),
    );
  }
  return joinRows(f);
}

/** The call_ids rows (account_id, call_id, call_time) of a batch as one TSV text. */
export function callIdsTsv(calls: readonly Call[]): string {
  const f: (string | number)[] = [];
  for (const c of calls) {
    startRow(f, tsvString(c.account_id));
    f.push(tsvString(c.call_id), int64(c.call_time, 'call_time'));
  }
  return joinRows(f);
}
