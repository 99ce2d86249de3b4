/**
 * The filter rules of docs/filters.md as plain TypeScript, for the in-memory reference. Written
 * from the docs, not from src/sql: every leaf is true/false with "NULL never matches", and/or are
 * ordinary boolean AND/OR, text order is UTF-8 byte order, LIKE is a small dynamic programme.
 */
import type { Call } from '../../src/core/call.js';
import type { FilterNode } from '../../src/query/ast.js';

/** A zone as the reference needs it: id → country and region description (undefined if unknown). */
export type ZoneLookup = (id: number) => { country: string; description: string } | undefined;

/** A field's value for one call; null is SQL NULL. */
export type RefValue = string | number | boolean | null;

/** Region name: "<country> <description>", or the country alone when the description is empty. */
export function refRegion(z: { country: string; description: string }): string {
  return z.description === '' ? z.country : `${z.country} ${z.description}`;
}

/** The value of a filter/grouping field, read straight from the call or its zones. */
export function refFieldValue(call: Call, field: string, zone: ZoneLookup): RefValue {
  const side = field.startsWith('caller_') ? call.caller_zone_id : call.callee_zone_id;
  switch (field) {
    case 'caller_country':
    case 'callee_country':
      return side === null ? null : (zone(side)?.country ?? null);
    case 'caller_region':
    case 'callee_region': {
      const z = side === null ? undefined : zone(side);
      return z ? refRegion(z) : null;
    }
    default: {
      if (!Object.hasOwn(call, field)) throw new Error(`reference does not know field ${field}`);
      return call[field as keyof Call] as RefValue;
    }
  }
}

/** -1/0/1 for two non-null values of one type; text by UTF-8 bytes (docs/filters.md). */
export function refCompare(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  throw new Error(`reference compares values of different types: ${String(a)} / ${String(b)}`);
}

function compareOp(op: string, a: RefValue, b: RefValue): boolean {
  if (a === null || b === null) return false;
  const c = refCompare(a, b);
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'gt':
      return c > 0;
    case 'lt':
      return c < 0;
    case 'ge':
      return c >= 0;
    case 'le':
      return c <= 0;
    default:
      throw new Error(`unknown comparison ${op}`);
  }
}

/**
 * How an engine lower-cases for `ilike` (docs/filters.md): `simple` is the Unicode simple mapping
 * per code point (DuckDB, ClickHouse 26.x); `clickhouse-18` is ClickHouse 18.16's `lowerUTF8`: only
 * an uppercase letter (`\p{Lu}`, not a titlecase `ǅ`) whose lower case has the same UTF-8 length
 * (not `K` U+212A, `Ω` U+2126, `ẞ` U+1E9E…; `İ` U+0130 the dialect makes `i` first, on every
 * ClickHouse). Checked against an 18.16 server for every
 * letter below U+1000 and the random generator's alphabet (test/differential/clickhouse.test.ts);
 * its older Unicode tables also leave Cherokee, Georgian Mtavruli, Glagolitic and a few other
 * scripts' capitals alone, which the generator never writes.
 */
export type RefLowerCase = 'simple' | 'clickhouse-18';

const utf8Length = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
const UPPERCASE = /^\p{Lu}$/u;

/** Per-code-point lower case (Unicode simple mapping: the first code point of JS's full mapping), as `lower` says. */
export function refLower(text: string, lower: RefLowerCase = 'simple'): string[] {
  return [...text].map((ch) => {
    // The ClickHouse dialect makes U+0130 `i` before lowerUTF8 (sql/clickhouse.ts clickhouseLower).
    if (ch === 'İ') return 'i';
    const cp = ch.toLowerCase().codePointAt(0)!;
    if (lower === 'clickhouse-18' && (!UPPERCASE.test(ch) || utf8Length(cp) !== utf8Length(ch.codePointAt(0)!))) return ch;
    return String.fromCodePoint(cp);
  });
}

type Token = { any: 'one' | 'run' } | { lit: string };

/** LIKE: `%` any run, `_` one code point, `\` escapes the next character; anchored at both ends. */
export function refLike(text: string, pattern: string, caseInsensitive: boolean, lower: RefLowerCase = 'simple'): boolean {
  const chars = caseInsensitive ? refLower(pattern, lower) : [...pattern];
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\\') tokens.push({ lit: chars[++i] });
    else if (chars[i] === '%') tokens.push({ any: 'run' });
    else if (chars[i] === '_') tokens.push({ any: 'one' });
    else tokens.push({ lit: chars[i] });
  }
  const t = caseInsensitive ? refLower(text, lower) : [...text];
  // ok[j] = the first i tokens match the first j characters; rolled over the tokens.
  let ok = t.map(() => false).concat(false);
  ok[0] = true;
  for (const tok of tokens) {
    const next = ok.map(() => false);
    for (let j = 0; j <= t.length; j++) {
      if ('any' in tok && tok.any === 'run') next[j] = ok[j] || (j > 0 && next[j - 1]);
      else if (j > 0 && ok[j - 1]) next[j] = 'any' in tok || tok.lit === t[j - 1];
    }
    ok = next;
  }
  return ok[t.length];
}

/** Whether `call` satisfies the filter node (docs/filters.md, NULL → false at every leaf). */
export function refMatches(node: FilterNode, call: Call, zone: ZoneLookup, lower: RefLowerCase = 'simple'): boolean {
  switch (node.kind) {
    case 'AndNode':
      return node.children.every((c) => refMatches(c, call, zone, lower));
    case 'OrNode':
      return node.children.some((c) => refMatches(c, call, zone, lower));
    case 'ComparisonNode':
      return compareOp(node.op, refFieldValue(call, node.field, zone), node.value);
    case 'FieldComparisonNode':
      return compareOp(node.op, refFieldValue(call, node.field, zone), refFieldValue(call, node.otherField, zone));
    case 'InNode': {
      const v = refFieldValue(call, node.field, zone);
      if (v === null) return false;
      const found = (node.values as readonly (string | number | boolean)[]).some((x) => refCompare(v, x) === 0);
      return node.op === 'in' ? found : !found;
    }
    case 'NullCheckNode':
      return (refFieldValue(call, node.field, zone) === null) === (node.op === 'is_null');
    case 'LikeNode': {
      const v = refFieldValue(call, node.field, zone);
      return typeof v === 'string' && refLike(v, node.pattern, node.op === 'ilike', lower);
    }
  }
}
