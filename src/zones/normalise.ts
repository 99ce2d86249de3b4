import { parsePhoneNumberFromString, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
import { metadata } from './countries.js';

/** Fewer digits than this are extensions, feature codes or incomplete numbers, never a zone. */
export const MIN_DIGITS = 7;
/** E.164 allows at most 15 digits including the calling code. */
export const MAX_DIGITS = 15;

const iddCache = new Map<string, RegExp | null>();

/** The default country's own international access code (011 in NANP, 0011 in Australia), anchored. */
function iddOf(country: string): RegExp | null {
  let re = iddCache.get(country);
  if (re === undefined) {
    const idd = metadata.countries[country]?.[1];
    re = typeof idd === 'string' ? new RegExp(`^(?:${idd})`) : null;
    iddCache.set(country, re);
  }
  return re;
}

/**
 * E.164 digits without `+` for a dialled or presented number, or null when it has no zone (SPEC 5).
 * - `sip:`/`sips:`/`tel:` schemes, `@domain` and `;params` are dropped; spaces, `-`, `.`, `/`, `(`, `)`
 *   are ignored; any other character (letters, `*`, `#`) means it is not a phone number.
 * - `+` or `00` marks an international number, taken as is (7 to 15 digits) without parsing — the
 *   hot path. With a default country, that country's own access code (011, 0011, 0161 …) works
 *   too and is checked first, so Australian `0011 64 …` is not mistaken for `00` + `11 64 …`.
 * - Other digits are a national number of `defaultCountry` (ISO alpha-2), parsed with
 *   libphonenumber and accepted when the length is possible for that country (not necessarily an
 *   assigned range, so new ranges still count); its national prefix is handled, e.g. NZ
 *   `034123456` → `6434123456` and US `12125551234` → `12125551234`.
 * - Without a default country, or when the national parse fails, 11 to 15 digits not starting with
 *   `0` are taken as E.164 written without `+` (as Kazoo and many carriers store numbers).
 * - Fewer than 7 digits is always null: internal extensions are short.
 */
export function normaliseNumber(raw: string | null | undefined, defaultCountry?: string): string | null {
  if (raw == null) return null;
  let from = 0;
  let to = raw.length;
  const colon = raw.indexOf(':');
  if (colon >= 0) {
    const scheme = raw.slice(0, colon).toLowerCase();
    if (scheme !== 'sip' && scheme !== 'sips' && scheme !== 'tel') return null;
    from = colon + 1;
  }
  const at = raw.indexOf('@', from);
  if (at >= 0) to = at;
  const semi = raw.indexOf(';', from);
  if (semi >= 0 && semi < to) to = semi;

  let digits = '';
  let plus = false;
  for (let k = from; k < to; k++) {
    const c = raw.charCodeAt(k);
    if (c >= 48 && c <= 57) digits += raw[k];
    else if (c === 43 /* + */ && digits === '' && !plus) plus = true;
    else if (c !== 32 && c !== 45 && c !== 46 && c !== 40 && c !== 41 && c !== 47 && c !== 9) return null;
  }
  if (plus) return international(digits);
  if (digits.length < MIN_DIGITS) return null;
  const country = defaultCountry?.toUpperCase();
  if (country) {
    const idd = iddOf(country)?.exec(digits);
    if (idd && idd[0].length > 0) return international(digits.slice(idd[0].length));
  }
  if (digits.startsWith('00')) return international(digits.slice(2));
  if (country) {
    const national = parseNational(digits, country);
    if (national) return national;
  }
  return digits.length >= 11 && digits.length <= MAX_DIGITS && digits[0] !== '0' ? digits : null;
}

function international(digits: string): string | null {
  return digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS && digits[0] !== '0' ? digits : null;
}

// libphonenumber parses ~50k numbers/s, far below the ingest rate, while CDRs repeat the same
// customer numbers endlessly; a bounded memo (dropped wholesale when full) makes repeats free.
const NATIONAL_CACHE_SIZE = 100_000;
const nationalCache = new Map<string, string | null>();

function parseNational(digits: string, country: string): string | null {
  const key = `${country}${digits}`;
  let hit = nationalCache.get(key);
  if (hit === undefined) {
    if (nationalCache.size >= NATIONAL_CACHE_SIZE) nationalCache.clear();
    nationalCache.set(key, (hit = parseNationalUncached(digits, country)));
  }
  return hit;
}

function parseNationalUncached(digits: string, country: string): string | null {
  if (!(country in metadata.countries)) return null;
  try {
    const parsed = parsePhoneNumberFromString(digits, country as CountryCode, metadata as unknown as MetadataJson);
    if (!parsed || !parsed.isPossible()) return null;
    return international(parsed.number.slice(1));
  } catch {
    return null; // libphonenumber throws on some malformed input; an unparseable number has no zone
  }
}
