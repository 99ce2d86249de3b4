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

/** The TSV expression of one column of `c` (core/call.ts kinds); NULL is `\\N`. */
function fieldExpression(name: string, kind: ColumnKind, nullable: boolean): string {
  const v = `c.${name}`;
  const value = {
    text: `tsvString(${v})`,
    direction: `direction(${v})`,
    int32: `int32(${v}, '${name}')`,
    int64: `int64(${v}, '${name}')`,
    boolean: `(${v} ? 1 : 0)`,
  }[kind];
  return nullable ? `(${v} === null || ${v} === undefined ? '\\\\N' : ${value})` : value;
}

/**
 * Appends one call's fields to `f` (CALL_COLUMNS order), compiled once from the column registry.
 * :TRICKY: generated, not a loop over the registry: a loop reads `c[name]` with a changing key,
 * which V8 cannot specialise, and encoded about 2.3x slower than these straight-line property
 * reads (docs/clickhouse.md, "Insert throughput"). Names are registry identifiers (checked).
 */
const appendRow = ((): ((c: Call, f: (string | number)[]) => void) => {
  for (const c of CALL_COLUMN_DEFS) if (!/^[a-z_][a-z0-9_]*$/.test(c.name)) throw new Error(`bad column name ${c.name}`);
  const [first, ...rest] = CALL_COLUMN_DEFS;
  const body =
    `startRow(f, ${fieldExpression(first.name, first.kind, first.nullable)});\n` +
    `f.push(${rest.map((c) => fieldExpression(c.name, c.kind, c.nullable)).join(',\n  ')});`;
  const make = new Function('tsvString', 'direction', 'int32', 'int64', 'startRow', `return function appendRow(c, f) {\n${body}\n};`);
  return make(tsvString, direction, int32, int64, startRow) as (c: Call, f: (string | number)[]) => void;
})();

/**
 * The calls rows of a batch (CALL_COLUMNS order) as one TSV text.
 * :TRICKY: built as one array of values and one join, not `row + '\t' + ...` per field: each `+`
 * allocates a rope node, and 27 of them per row made encoding the bottleneck of insertCalls; the
 * join is about twice as fast (docs/clickhouse.md, "Insert throughput").
 */
export function callsTsv(calls: readonly Call[]): string {
  const f: (string | number)[] = [];
  for (const c of calls) appendRow(c, f);
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
