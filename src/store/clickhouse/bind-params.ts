import { clickhouseArray, clickhouseLiteral } from './literal.js';
import type { ListValue, ScalarValue } from '../../core/values.js';

/**
 * Client-side parameter binding. ClickHouse 18.16 has no server-side query parameters (`{name:Type}`
 * arrived in 19.x), so `?` placeholders of a query sent with parameters are replaced here by the
 * literals of store/clickhouse/literal.ts, the one place where a value becomes ClickHouse SQL text.
 */
function boundLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return clickhouseArray(value as ListValue);
  const text = clickhouseLiteral(value as ScalarValue);
  // :TRICKY: a negative literal right after a `-` would read as `--` (a comment); parentheses keep it a number.
  return text.startsWith('-') ? `(${text})` : text;
}

/**
 * Replaces each `?` outside string literals, quoted identifiers and comments by the literal of the next
 * parameter. Throws when the counts differ.
 */
export function bindParams(sql: string, params: readonly unknown[]): string {
  let out = '';
  let next = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '?') {
      if (next >= params.length) throw new Error(`SQL has more placeholders than the ${params.length} parameters`);
      out += boundLiteral(params[next++]);
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  if (next !== params.length) throw new Error(`SQL has ${next} placeholders but ${params.length} parameters`);
  return out;
}

function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '\\') i += 2;
    else if (sql[i] === quote) {
      if (sql[i + 1] === quote)
        i += 2; // doubled quote inside the literal
      else return i + 1;
    } else i++;
  }
  return sql.length;
}
