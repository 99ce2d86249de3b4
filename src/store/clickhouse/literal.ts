import type { ListValue, ScalarValue } from '../../core/values.js';

// ClickHouse string literal escapes (parseComplexEscapeSequence, unchanged since before 18.16).
const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};
const LONE_SURROGATE = /\p{Surrogate}/u;
// Every character that is special in a quoted literal or invisible: C0 controls, `'`, `\`, DEL.
const NEEDS_ESCAPE = /[\u0000-\u001f'\\\u007f]/g;

/**
 * Renders a string as a single-quoted ClickHouse literal. This module is the only place where a
 * value becomes SQL text on ClickHouse (18.16 has no server-side parameters): the dialect
 * (clickhouse.ts), the store's own statements and its `?` binding (store/clickhouse/bind-params.ts)
 * all call it. So it escapes every quote, backslash and control character and refuses text that is
 * not valid Unicode.
 */
export function clickhouseString(text: string): string {
  if (LONE_SURROGATE.test(text)) throw new Error('refusing a string with a lone UTF-16 surrogate');
  const body = text.replace(
    NEEDS_ESCAPE,
    (ch) => NAMED_ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  );
  return `'${body}'`;
}

/** Renders an integer; anything but a safe integer throws (no floats, NaN or exponents reach SQL). */
export function clickhouseInteger(n: number): string {
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new Error(`refusing non-integer SQL value ${String(n)}`);
  return n === 0 ? '0' : String(n);
}

/** Renders one typed value: string, safe integer, or boolean as 1/0 (ClickHouse stores UInt8). */
export function clickhouseLiteral(value: ScalarValue): string {
  switch (typeof value) {
    case 'string':
      return clickhouseString(value);
    case 'number':
      return clickhouseInteger(value);
    case 'boolean':
      return value ? '1' : '0';
    default:
      throw new Error(`refusing SQL value of type ${typeof value}`);
  }
}

function items(values: ListValue): string {
  const list = values as readonly ScalarValue[];
  if (list.length === 0) throw new Error('refusing an empty SQL list');
  const type = typeof list[0];
  if (list.some((v) => typeof v !== type)) throw new Error('refusing a SQL list of mixed types');
  return list.map(clickhouseLiteral).join(', ');
}

/** Renders a non-empty homogeneous list as a tuple `(a, b)`, the right side of IN. */
export function clickhouseTuple(values: ListValue): string {
  return `(${items(values)})`;
}

/** Renders a non-empty homogeneous list as an array literal `[a, b]`. */
export function clickhouseArray(values: ListValue): string {
  return `[${items(values)}]`;
}
