/** Coercion of Kazoo's loosely typed values ("23" as often as 23). Helpers return Invalid instead of throwing: cheaper per record. */

/** A value that cannot be coerced; `reason` names the field. */
export class Invalid {
  constructor(readonly reason: string) {}
}

/** Longest text kept for a name, number or cause; caller ID names come from strangers. */
export const MAX_TEXT = 256;

const MAX_SHOWN = 40;

/** The offending value as shown in a reason: quoted and cut short. */
export function shown(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'object' && v !== null) s = JSON.stringify(v) ?? String(v);
  else s = String(v);
  return s.length > MAX_SHOWN ? `'${s.slice(0, MAX_SHOWN)}…'` : `'${s}'`;
}

interface MaybeWellFormed {
  isWellFormed?: () => boolean;
  toWellFormed?: () => string;
}

/** Trims, turns empty into null, drops NUL (DuckDB rejects it), repairs lone surrogates, caps the length. */
export function cleanText(raw: string, max = MAX_TEXT): string | null {
  let s = raw.trim();
  if (s.length === 0) return null;
  if (s.indexOf('\u0000') !== -1) {
    s = s.split('\u0000').join('').trim();
    if (s.length === 0) return null;
  }
  const wf = s as unknown as MaybeWellFormed;
  // :TRICKY: a JSON escape like "\ud800" yields a lone surrogate that engines cannot encode as UTF-8.
  if (wf.isWellFormed !== undefined && !wf.isWellFormed() && wf.toWellFormed !== undefined) s = wf.toWellFormed();
  if (s.length > max) {
    // Do not cut a surrogate pair in half.
    const cut = s.charCodeAt(max - 1) >= 0xd800 && s.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
    s = s.slice(0, cut);
  }
  return s;
}

/** Optional text: null/undefined/blank → null; numbers become their decimal text (numbers often arrive unquoted). */
export function text(v: unknown, field: string, max = MAX_TEXT): string | null | Invalid {
  if (typeof v === 'string') return cleanText(v, max);
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return new Invalid(`${field}: not text: ${shown(v)}`);
}

/** Optional non-negative integer: null/undefined/blank → null; "23" and 23 → 23; "-1", "2.5", "abc" → Invalid. */
export function count(v: unknown, field: string): number | null | Invalid {
  if (typeof v === 'number') {
    return Number.isSafeInteger(v) && v >= 0 ? v : new Invalid(`${field}: not a non-negative integer: ${shown(v)}`);
  }
  if (typeof v === 'string') {
    const s = v.trim();
    const n = s.length;
    if (n === 0) return null;
    // A digit loop instead of a regex: this runs several times per record on the hot path.
    if (n > 15) return new Invalid(`${field}: not a non-negative integer: ${shown(v)}`);
    let value = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return new Invalid(`${field}: not a non-negative integer: ${shown(v)}`);
      value = value * 10 + c;
    }
    return value;
  }
  if (v === undefined || v === null) return null;
  return new Invalid(`${field}: not a non-negative integer: ${shown(v)}`);
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
