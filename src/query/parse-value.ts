import { queryError } from '../core/errors.js';
import type { FieldDef } from './fields.js';
import type { ListValue, ScalarValue } from '../core/values.js';

/** What value coercion needs from the request: its time zone and the time parser. */
export interface ValueContext {
  readonly timezone: string;
  readonly parseTime: (value: string, tz: string) => number;
}

/** Longest LIKE pattern accepted; longer patterns only make matching slow. */
const MAX_LIKE_PATTERN = 1000;

const INTEGER_TEXT = /^-?[0-9]{1,16}$/;
// Lone UTF-16 surrogates cannot be encoded as UTF-8; each engine would replace them differently.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Quotes user text for an error message, cut short so a huge value does not flood the answer. */
export function echo(text: string): string {
  return `'${text.length > 100 ? `${text.slice(0, 100)}…` : text}'`;
}

const fail = (path: string, reason: string): never => {
  throw queryError('ERR_FILTER_VALUE', path, reason);
};

/** Coerces one JSON value to the field's type, or throws ERR_FILTER_VALUE at `path`. */
export function coerceValue(field: FieldDef, raw: unknown, path: string, ctx: ValueContext): ScalarValue {
  if (raw === null) fail(path, 'null is only allowed through is_null or is_not_null');
  switch (field.type) {
    case 'integer':
      return coerceInteger(raw, path);
    case 'boolean':
      return coerceBoolean(raw, path);
    case 'text':
      return coerceText(raw, path);
    case 'enum': {
      const values = field.values ?? [];
      if (typeof raw === 'string' && values.includes(raw)) return raw;
      return fail(path, `expected ${values.map((v) => `'${v}'`).join(' or ')}`);
    }
    case 'time': {
      if (typeof raw !== 'string') return fail(path, 'expected a time string');
      try {
        const t = ctx.parseTime(raw, ctx.timezone);
        if (!Number.isSafeInteger(t)) return fail(path, `invalid time ${echo(raw)}`);
        return t;
      } catch (e) {
        return fail(path, e instanceof Error && e.message ? e.message : `invalid time ${echo(raw)}`);
      }
    }
  }
}

// Kazoo UIs send numbers as strings as often as numbers, so digit strings count as integers.
function coerceInteger(raw: unknown, path: string): number {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
  if (typeof raw === 'string' && INTEGER_TEXT.test(raw)) {
    const n = Number(raw);
    if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
  }
  return fail(path, 'expected an integer');
}

function coerceBoolean(raw: unknown, path: string): boolean {
  if (raw === true || raw === 1 || raw === 'true' || raw === '1') return true;
  if (raw === false || raw === 0 || raw === 'false' || raw === '0') return false;
  return fail(path, 'expected true or false');
}

function coerceText(raw: unknown, path: string): string {
  if (typeof raw !== 'string') return fail(path, 'expected a string');
  if (LONE_SURROGATE.test(raw)) return fail(path, 'expected valid Unicode text');
  return raw;
}

/** Validates a LIKE pattern: `\` may only escape `%`, `_` or `\` (the rule both engines share). */
export function coercePattern(raw: unknown, path: string): string {
  if (raw === null) fail(path, 'null is only allowed through is_null or is_not_null');
  const pattern = coerceText(raw, path);
  if (pattern.length > MAX_LIKE_PATTERN) fail(path, `a like pattern is at most ${MAX_LIKE_PATTERN} characters`);
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '\\') continue;
    const next = pattern[i + 1];
    if (next !== '%' && next !== '_' && next !== '\\') fail(path, "'\\' in a like pattern must be followed by %, _ or \\");
    i++;
  }
  return pattern;
}

/** Coerces the list of an in/not_in entry: non-empty, at most `max` items, each of the field's type. */
export function coerceList(field: FieldDef, raw: unknown, path: string, ctx: ValueContext, max: number): ListValue {
  if (raw === null) fail(path, 'null is only allowed through is_null or is_not_null');
  if (!Array.isArray(raw)) return fail(path, 'expected a list');
  if (raw.length === 0) fail(path, 'expected a non-empty list');
  if (raw.length > max) fail(path, `a list holds at most ${max} values`);
  const out: ScalarValue[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    // Fast path for the big case (a country's zone ids): no per-item path string unless it fails.
    const quick = field.type === 'integer' ? quickInteger(item) : undefined;
    out[i] = quick ?? coerceValue(field, item, `${path}[${i}]`, ctx);
  }
  return out as unknown as ListValue;
}

function quickInteger(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : undefined;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 15) return undefined;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
  }
  return Number(raw);
}
