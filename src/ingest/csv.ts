import { csvHeaderKeys } from './csv-header.js';
import type { RawRecord } from './types.js';

const QUOTE = 34,
  COMMA = 44,
  LF = 10,
  CR = 13;

/** One parsed CSV row and the 1-based line it starts on. */
export interface CsvRow {
  line: number;
  fields: string[];
  error?: string;
}

/**
 * Streaming RFC 4180 parser: quoted fields may hold commas, doubled quotes and line breaks; rows
 * end in CRLF, LF or a lone CR (old Kazoo exports end rows in "\r"). Lenient where the RFC is
 * silent: text after a closing quote is kept, a quote inside an unquoted field is literal.
 */
class CsvParser {
  private row: string[] = [];
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
      out.push({ line: this.rowLine, fields: [], error: 'unterminated quoted field at end of input' });
      return;
    }
    this.endField('', 0);
    this.endRow(out);
  }

  private endField(s: string, i: number): void {
    this.row.push(this.field + s.slice(this.fieldStart, i));
    this.lastQuoted = this.quoted;
    this.field = '';
    this.quoted = false;
    this.inQuotes = false;
    this.quotePending = false;
  }

  private endRow(out: CsvRow[]): void {
    const row = this.row;
    this.row = [];
    // A blank line is one empty, unquoted field: skip it rather than call it a record.
    if (row.length === 1 && row[0] === '' && !this.lastQuoted) return;
    out.push({ line: this.rowLine, fields: row });
  }
}

/**
 * CSV with a header row → records: each data row becomes an object keyed by the mapped header
 * names (see csv-header.ts). A row with a different number of fields than the header is an error
 * record: a shifted row (an unquoted comma in a caller ID name) would otherwise store garbage.
 */
export async function* readCsv(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord[]> {
  const parser = new CsvParser();
  let keys: string[] | undefined;
  let index = 0;
  const rows: CsvRow[] = [];
  const convert = (): RawRecord[] => {
    const out: RawRecord[] = [];
    for (const row of rows) {
      if (keys === undefined) {
        if (row.error === undefined) keys = csvHeaderKeys(row.fields);
        continue;
      }
      const at = index++;
      if (row.error !== undefined) out.push({ index: at, line: row.line, error: row.error });
      else if (row.fields.length !== keys.length) {
        const error = `expected ${keys.length} fields as in the header, found ${row.fields.length}`;
        out.push({ index: at, line: row.line, error });
      } else {
        const doc: Record<string, string> = {};
        for (let k = 0; k < keys.length; k++) if (keys[k] !== '') doc[keys[k]] = row.fields[k];
        out.push({ index: at, line: row.line, doc });
      }
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
