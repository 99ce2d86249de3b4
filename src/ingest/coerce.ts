/**
 * Coercion of Kazoo's loosely typed values ("23" as often as 23), and the ONE place where every CDR
 * value is bounded (docs/ingest-limits.md): a value out of its range makes its record rejected with
 * a reason naming the field, so nothing downstream (stores, offset segments, CSV) ever sees it.
 * Helpers return Invalid instead of throwing: cheaper per record.
 */

/** A value that cannot be coerced; `reason` names the field. */
export class Invalid {
  constructor(readonly reason: string) {}
}

/** Longest text kept for a name, number, cause or SIP address, in UTF-8 bytes; longer is rejected. */
export const MAX_TEXT_BYTES = 1024;

/** Longest call id or account id, in UTF-8 bytes; longer is rejected (cutting could merge two calls). */
export const MAX_ID_BYTES = 256;

/** Largest duration, billing or ringing time: a signed 32-bit integer in every store (about 68 years). */
export const MAX_SECONDS = 2 ** 31 - 1;

/** Call start bounds, UTC epoch seconds, half-open: [1970-01-01, 2100-01-01) (SPEC 4). */
export const MIN_CALL_TIME = 0;
export const MAX_CALL_TIME = Date.UTC(2100, 0, 1) / 1000;

const MAX_SHOWN = 40;

/** The offending value as shown in a reason: quoted and cut short. Never recursive (see `preview`). */
export function shown(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = v.length > MAX_SHOWN ? v.slice(0, MAX_SHOWN + 1) : v;
  else if (typeof v === 'object' && v !== null) s = preview(v, MAX_SHOWN + 1);
  else s = String(v);
  return s.length > MAX_SHOWN ? `'${s.slice(0, MAX_SHOWN)}…'` : `'${s}'`;
}

interface Frame {
  readonly items?: readonly unknown[];
  readonly obj?: Record<string, unknown>;
  readonly keys?: readonly string[];
  i: number;
}

/**
 * JSON text of `v`, stopping once `max` characters are written.
 * :TRICKY: JSON.stringify recurses: a record nested 5,000 deep overflowed the stack while its
 * reason was built and failed the whole batch. This walk keeps its own stack and stops early, so
 * its cost is bounded by `max` whatever the document's depth or size.
 */
export function preview(v: unknown, max: number): string {
  let out = '';
  const stack: Frame[] = [];
  let next: unknown = v;
  let pending = true;
  while (out.length < max) {
    if (pending) {
      pending = false;
      if (Array.isArray(next)) {
        out += '[';
        stack.push({ items: next, i: 0 });
      } else if (typeof next === 'object' && next !== null) {
        const obj = next as Record<string, unknown>;
        out += '{';
        stack.push({ obj, keys: Object.keys(obj), i: 0 });
      } else if (typeof next === 'string') out += JSON.stringify(next.length > max ? next.slice(0, max) : next);
      else if (typeof next === 'number') out += Number.isFinite(next) ? String(next) : 'null';
      else if (typeof next === 'boolean' || typeof next === 'bigint') out += String(next);
      else out += 'null';
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) break;
    if (top.items !== undefined) {
      if (top.i < top.items.length) {
        if (top.i > 0) out += ',';
        next = top.items[top.i++];
        pending = true;
      } else {
        out += ']';
        stack.pop();
      }
    } else if (top.i < top.keys!.length) {
      const key = top.keys![top.i++];
      out += `${top.i > 1 ? ',' : ''}${JSON.stringify(key.length > max ? key.slice(0, max) : key)}:`;
      next = top.obj![key];
      pending = true;
    } else {
      out += '}';
      stack.pop();
    }
  }
  return out;
}

interface MaybeWellFormed {
  isWellFormed?: () => boolean;
  toWellFormed?: () => string;
}

/** How text of one field is judged. */
export interface TextRule {
  /** Longest accepted, in UTF-8 bytes. */
  maxBytes: number;
  /**
   * An identifier (call id, account id): a lone surrogate or U+FFFD (what the UTF-8 decoder puts for
   * invalid bytes) is rejected, since repairing it could make two different ids one.
   */
  id: boolean;
}

export const TEXT: TextRule = { maxBytes: MAX_TEXT_BYTES, id: false };
export const ID: TextRule = { maxBytes: MAX_ID_BYTES, id: true };

/**
 * Trims and turns blank into null. A NUL rejects the record (it used to be dropped silently, which
 * let two call ids collide; engines and CSV handle it differently). A lone surrogate is repaired to
 * U+FFFD in display text and rejected in an id. Text over the limit is rejected, never cut.
 */
function cleanText(raw: string, field: string, rule: TextRule = TEXT): string | null | Invalid {
  let s = raw.trim();
  if (s.length === 0) return null;
  // Every UTF-16 unit is at least one UTF-8 byte: a long string is refused before it is scanned.
  if (s.length > rule.maxBytes) return tooLong(field, rule);
  if (s.indexOf('\u0000') !== -1) return new Invalid(`${field}: contains NUL (U+0000)`);
  const wf = s as unknown as MaybeWellFormed;
  // :TRICKY: a JSON escape like "\ud800" yields a lone surrogate that engines cannot encode as UTF-8.
  if (wf.isWellFormed !== undefined && !wf.isWellFormed() && wf.toWellFormed !== undefined) {
    if (rule.id) return new Invalid(`${field}: not valid Unicode (lone surrogate)`);
    s = wf.toWellFormed();
  }
  if (rule.id && s.indexOf('\ufffd') !== -1) return new Invalid(`${field}: contains U+FFFD (invalid UTF-8 in the input?)`);
  if (s.length * 3 > rule.maxBytes && Buffer.byteLength(s, 'utf8') > rule.maxBytes) return tooLong(field, rule);
  return s;
}

function tooLong(field: string, rule: TextRule): Invalid {
  return new Invalid(`${field}: longer than ${rule.maxBytes} bytes`);
}

/** Optional text: null/undefined/blank → null; numbers become their decimal text (numbers often arrive unquoted). */
export function text(v: unknown, field: string, rule: TextRule = TEXT): string | null | Invalid {
  if (typeof v === 'string') return cleanText(v, field, rule);
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return new Invalid(`${field}: not text: ${shown(v)}`);
}

/**
 * Optional integer in 0 … `max`: null/undefined/blank → null; "23" and 23 → 23; "-1", "2.5", "abc",
 * "NaN", 1e400 → not an integer; 2^31 for a duration → out of range.
 */
export function count(v: unknown, field: string, max = MAX_SECONDS): number | null | Invalid {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) return notCount(field, v);
    return v <= max ? v : outOfRange(field, v, max);
  }
  if (typeof v === 'string') {
    const s = v.trim();
    const n = s.length;
    if (n === 0) return null;
    // A digit loop instead of a regex: this runs several times per record on the hot path.
    let value = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return notCount(field, v);
      // Past `max` the exact value no longer matters (and 2^63 would lose digits): the rest must be digits.
      if (value <= max) value = value * 10 + c;
    }
    return value <= max ? value : outOfRange(field, v, max);
  }
  if (v === undefined || v === null) return null;
  return notCount(field, v);
}

function notCount(field: string, v: unknown): Invalid {
  return new Invalid(`${field}: not a non-negative integer: ${shown(v)}`);
}

function outOfRange(field: string, v: unknown, max: number): Invalid {
  return new Invalid(`${field}: out of range 0 … ${max}: ${shown(v)}`);
}

/** The user part of a SIP address: "+6434123456@realm.com" → "+6434123456"; "sip:" and ";params" dropped. */
export function userPart(address: string | null): string | null {
  if (address === null) return null;
  let s = address;
  const colon = s.indexOf(':');
  if (colon > 0 && colon <= 4) {
    const scheme = s.slice(0, colon).toLowerCase();
    if (scheme === 'sip' || scheme === 'sips' || scheme === 'tel') s = s.slice(colon + 1);
  }
  const at = s.indexOf('@');
  if (at !== -1) s = s.slice(0, at);
  const semi = s.indexOf(';');
  if (semi !== -1) s = s.slice(0, semi);
  s = s.trim();
  return s.length === 0 ? null : s;
}

/** A plain object (not null, not an array), or undefined. */
export function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
