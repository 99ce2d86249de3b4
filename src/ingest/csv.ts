import { csvLayout, type CsvLayout } from './csv-header.js';
import { alignRow, startStamped, type AlignedRow } from './kazoo-csv.js';
import type { RawRecord } from './types.js';

const QUOTE = 34,
  COMMA = 44,
  LF = 10,
  CR = 13;

/** One parsed CSV row and the 1-based line it starts on. */
export interface CsvRow {
  line: number;
  fields: string[];
  /** Which fields were enclosed in quotes (Kazoo up to 4.1 quotes its date columns, later releases do not). */
  quoted: boolean[];
  error?: string;
}

/**
 * Streaming RFC 4180 parser: quoted fields may hold commas, doubled quotes and line breaks; rows
 * end in CRLF, LF or a lone CR (old Kazoo exports end rows in "\r"). Lenient where the RFC is
 * silent: text after a closing quote is kept, a quote inside an unquoted field is literal.
 */
class CsvParser {
  private row: string[] = [];
  private rowQuoted: boolean[] = [];
  private field = '';
  private fieldStart = 0;
  private quoted = false;
  private lastQuoted = false;
  private inQuotes = false;
  private quotePending = false;
  private afterCR = false;
  private line = 1;
  private rowLine = 1;

  push(s: string, out: CsvRow[]): void {
    const n = s.length;
    this.fieldStart = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (this.afterCR) {
        this.afterCR = false;
        if (c === LF) {
          this.fieldStart = i + 1;
          continue;
        }
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === QUOTE) {
            this.field += '"';
            this.fieldStart = i + 1;
            continue;
          }
          this.inQuotes = false; // that quote closed the field; c is handled below
        } else {
          if (c === QUOTE) {
            this.field += s.slice(this.fieldStart, i);
            this.fieldStart = i + 1;
            this.quotePending = true;
          } else if (c === LF) this.line++;
          continue;
        }
      }
      if (c === COMMA) {
        this.endField(s, i);
        this.fieldStart = i + 1;
      } else if (c === LF || c === CR) {
        this.endField(s, i);
        this.endRow(out);
        this.line++;
        this.rowLine = this.line;
        this.afterCR = c === CR;
        this.fieldStart = i + 1;
      } else if (c === QUOTE && i === this.fieldStart && this.field.length === 0 && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
        this.fieldStart = i + 1;
      }
    }
    // Carry the unfinished field over to the next chunk.
    this.field += s.slice(this.fieldStart);
  }

  end(out: CsvRow[]): void {
    if (this.inQuotes && !this.quotePending) {
      out.push({ line: this.rowLine, fields: [], quoted: [], error: 'unterminated quoted field at end of input' });
      return;
    }
    this.endField('', 0);
    this.endRow(out);
  }

  private endField(s: string, i: number): void {
    this.row.push(this.field + s.slice(this.fieldStart, i));
    this.rowQuoted.push(this.quoted);
    this.lastQuoted = this.quoted;
    this.field = '';
    this.quoted = false;
    this.inQuotes = false;
    this.quotePending = false;
  }

  private endRow(out: CsvRow[]): void {
    const row = this.row;
    const quoted = this.rowQuoted;
    this.row = [];
    this.rowQuoted = [];
    // A blank line is one empty, unquoted field: skip it rather than call it a record.
    if (row.length === 1 && row[0] === '' && !this.lastQuoted) return;
    out.push({ line: this.rowLine, fields: row, quoted });
  }
}

/**
 * CSV with a header row → records: each data row becomes an object keyed by the mapped header
 * names (see csv-header.ts). A row with more fields than the header is re-read by the columns'
 * formats (kazoo-csv.ts: Kazoo never quotes); one that still does not fit, or has fewer fields, is
 * an error record: a shifted row would otherwise store garbage.
 */
export async function* readCsv(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord[]> {
  const parser = new CsvParser();
  let layout: CsvLayout | undefined;
  let index = 0;
  const rows: CsvRow[] = [];
  const convert = (): RawRecord[] => {
    const out: RawRecord[] = [];
    for (const row of rows) {
      if (layout === undefined) {
        if (row.error === undefined) layout = csvLayout(row.fields);
        continue;
      }
      const at = index++;
      if (row.error !== undefined) {
        out.push({ index: at, line: row.line, error: row.error });
        continue;
      }
      const cells = rowCells(layout, row);
      if (typeof cells === 'string') out.push({ index: at, line: row.line, error: cells });
      else out.push({ index: at, line: row.line, doc: rowDoc(layout, cells) });
    }
    rows.length = 0;
    return out;
  };
  for await (const chunk of chunks) {
    parser.push(chunk, rows);
    const out = convert();
    if (out.length > 0) yield out;
  }
  parser.end(rows);
  const out = convert();
  if (out.length > 0) yield out;
}

/** The row's cells, one per column, or why they cannot be told apart. */
function rowCells(layout: CsvLayout, row: CsvRow): AlignedRow | string {
  const m = layout.columns.length;
  if (row.fields.length === m) return row;
  if (row.fields.length < m) return `expected ${m} fields as in the header, found ${row.fields.length}`;
  return alignRow(layout.columns, row.fields, row.quoted);
}

function rowDoc(layout: CsvLayout, cells: AlignedRow): Record<string, string> {
  const { keys, directionAt, rfc1036At } = layout;
  const doc: Record<string, string> = {};
  for (let k = 0; k < keys.length; k++) if (keys[k] !== '') doc[keys[k]] = cells.fields[k];
  if (directionAt !== -1) {
    const start = startStamped(cells.fields[rfc1036At], cells.quoted[rfc1036At] === true) ?? layout.startByHeader;
    if (!start) {
      doc.call_direction = doc.direction;
      delete doc.direction;
    }
  }
  return doc;
}
