/**
 * Client-side parameter binding. ClickHouse 18.16 has no server-side query parameters (`{name:Type}`
 * arrived in 19.x), so `?` placeholders of compiled SQL are replaced here by escaped literals.
 */

/** A ClickHouse string literal: backslash and quote escaped, so no value can end the literal. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The SQL literal of one parameter value. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot bind non-finite number ${value}`);
    // :TRICKY: a negative literal right after a `-` would read as `--` (a comment); parentheses keep it a number.
    const text = Number.isInteger(value) ? value.toFixed(0) : String(value);
    return value < 0 ? `(${text})` : text;
  }
  if (Array.isArray(value)) return `[${value.map(sqlLiteral).join(', ')}]`;
  throw new Error(`cannot bind a parameter of type ${typeof value}`);
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
      out += sqlLiteral(params[next++]);
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
