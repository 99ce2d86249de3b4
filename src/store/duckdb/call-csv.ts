import { CALL_COLUMN_DEFS, type Call, type ColumnKind } from '../../core/call.js';
import { duckdbColumnType } from './schema.js';

/**
 * Calls encoded as CSV lines for DuckDB's multi-threaded `read_csv` (writes.ts `insertCsvBatch`):
 * the bulk path that replaced the appender (~1.5 µs a value on the main thread). Each line is
 * `ordinal,<the calls columns in table order>`; the ordinal keeps "the first of a repeated call in
 * one batch wins" although the reader does not keep the file's order.
 * :TRICKY: the encoding round-trips every value exactly with the reader options of READ_OPTIONS:
 * text is always quoted (a `"` doubled), so `""` is the empty string and an unquoted empty field
 * is NULL (`allow_quoted_nulls=false`); NUL, CR/LF, commas and tabs stay inside the quotes; a lone
 * surrogate becomes U+FFFD when the line is written as UTF-8, as the appender stores it.
 * Integers are safe integers (call_time lies in 1970..2100; the others are bounded by cdrToCall).
 */
function fieldExpression(name: string, kind: ColumnKind, nullable: boolean): string {
  const v = `c.${name}`;
  const value = {
    text: `('"' + (${v}.indexOf('"') === -1 ? ${v} : ${v}.replaceAll('"', '""')) + '"')`,
    direction: `${v}`,
    int32: `${v}`,
    int64: `${v}`,
    boolean: `(${v} ? 'true' : 'false')`,
  }[kind];
  return nullable ? `(${v} === null || ${v} === undefined ? '' : ${value})` : value;
}

/** One call as a CSV line (newline included), compiled once from the registry like append-calls.ts. */
export const encodeCallLine = ((): ((ordinal: number, c: Call) => string) => {
  for (const c of CALL_COLUMN_DEFS) if (!/^[a-z_][a-z0-9_]*$/.test(c.name)) throw new Error(`bad column name ${c.name}`);
  const fields = CALL_COLUMN_DEFS.map((c) => fieldExpression(c.name, c.kind, c.nullable));
  return new Function('n', 'c', `return n + ',' + ${fields.join(" + ',' + ")} + '\\n';`) as (ordinal: number, c: Call) => string;
})();

/** What a batch can collide with: its accounts and its call_time range (writes.ts bounds the duplicate check by them). */
export interface BatchBounds {
  /** Distinct account ids of the batch's calls. */
  accounts: string[];
  minCallTime: number;
  maxCallTime: number;
}

/** Running bounds of a batch being encoded. */
export class BoundsTracker {
  private readonly accounts = new Set<string>();
  private min = Infinity;
  private max = -Infinity;

  add(c: Pick<Call, 'account_id' | 'call_time'>): void {
    this.accounts.add(c.account_id);
    if (c.call_time < this.min) this.min = c.call_time;
    if (c.call_time > this.max) this.max = c.call_time;
  }

  merge(b: BatchBounds): void {
    for (const a of b.accounts) this.accounts.add(a);
    if (b.minCallTime < this.min) this.min = b.minCallTime;
    if (b.maxCallTime > this.max) this.max = b.maxCallTime;
  }

  get empty(): boolean {
    return this.accounts.size === 0;
  }

  bounds(): BatchBounds {
    return { accounts: [...this.accounts], minCallTime: this.min, maxCallTime: this.max };
  }
}

/** `read_csv`'s `columns` struct: the ordinal, then every calls column with its exact type. */
export const CSV_COLUMNS_SQL = `{${["ordinal: 'BIGINT'", ...CALL_COLUMN_DEFS.map((c) => `${c.name}: '${duckdbColumnType(c).replace(' NOT NULL', '')}'`)].join(', ')}}`;

/** DuckDB's default `max_line_size`; longer lines (1 MB strings) raise it per batch. */
export const DEFAULT_MAX_LINE_BYTES = 2_000_000;

/** The reader options that make the encoding above exact. */
export function readCsvSql(file: string, maxLineBytes: number): string {
  const quoted = `'${file.replaceAll("'", "''")}'`;
  const lineSize = Math.max(DEFAULT_MAX_LINE_BYTES, maxLineBytes + 1);
  return `read_csv(${quoted}, header = false, delim = ',', quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false, strict_mode = true, auto_detect = false, max_line_size = ${lineSize}, buffer_size = ${Math.max(16 * lineSize, 32_000_000)}, columns = ${CSV_COLUMNS_SQL})`;
}
