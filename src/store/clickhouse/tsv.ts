import { CALL_COLUMN_DEFS, type Call, type ColumnKind } from '../../core/call.js';

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

function badInteger(field: string, value: unknown): Error {
  return new Error(`${field} must be an integer, not ${String(value)}`);
}

// Int32 columns: `(v | 0) === v` is true exactly for integers in the Int32 range (and false for
// NaN, fractions, strings), which is what the column can hold anyway.
function int32(value: number, field: string): number {
  if ((value | 0) !== value) throw badInteger(field, value);
  return value;
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

type Encode = (value: never, field: string) => string | number;

/** How each kind of column (core/call.ts) becomes one TSV field; NULL is `\\N`. */
const ENCODE: Record<ColumnKind, Encode> = {
  text: (v: string) => tsvString(v),
  direction: (v: string) => direction(v),
  int32: (v: number, field) => int32(v, field),
  int64: (v: number, field) => int64(v, field),
  boolean: (v: boolean) => (v ? 1 : 0),
};

// The registry once, as (name, nullable, encoder) in CALL_COLUMNS order, without the first column,
// which starts each row (startRow).
const [FIRST, ...REST] = CALL_COLUMN_DEFS.map((c) => [c.name, c.nullable, ENCODE[c.kind]] as const);

function field(c: Call, [name, nullable, encode]: (typeof REST)[number]): string | number {
  const v = c[name];
  if (v === null || v === undefined) {
    if (nullable) return '\\N';
    throw new Error(`${name} must not be missing`);
  }
  return encode(v as never, name);
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
    startRow(f, String(field(c, FIRST)));
    for (const col of REST) f.push(field(c, col));
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
