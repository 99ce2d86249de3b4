/** IANA time-zone validation and the UTC offset in effect at an instant, from Node's ICU via Intl. */
import { localSecondsOf } from './civil.js';
import { didYouMean } from './suggest-zone.js';

/** Thrown when a time-zone name is not one ICU knows. */
export class UnknownTimeZoneError extends Error {
  constructor(readonly timeZone: string) {
    super(
      `unknown time zone '${String(timeZone).slice(0, 64)}': expected an IANA name such as 'Pacific/Auckland' or 'UTC'${didYouMean(timeZone)}`,
    );
    this.name = 'UnknownTimeZoneError';
  }
}

// Constructing an Intl.DateTimeFormat costs tens of microseconds; formatting costs ~1 µs, so formatters
// are cached per zone name. Only names that ICU accepted enter the cache, and the cache is cleared when
// it grows past a bound, because request input (case variants of a valid name) must not grow it forever.
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_CACHED_ZONES = 1024;

// IANA names are letters, digits, '_', '-', '+' and '/'. :TRICKY: newer ICU/V8 also accept offset
// strings such as '+05:30' as a timeZone; those are not IANA names, so they are rejected up front.
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+\-]*(?:\/[A-Za-z0-9_+\-]+)*$/;

function formatterFor(tz: string): Intl.DateTimeFormat {
  const cached = formatters.get(tz);
  if (cached) return cached;
  if (typeof tz !== 'string' || tz.length > 64 || !IANA_NAME.test(tz)) throw new UnknownTimeZoneError(tz);
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      // :TRICKY: 'h23', not hour12:false — the latter renders midnight as "24" in some ICU versions.
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    throw new UnknownTimeZoneError(tz);
  }
  if (formatters.size >= MAX_CACHED_ZONES) formatters.clear();
  formatters.set(tz, fmt);
  return fmt;
}

/** True when `tz` is an IANA zone name ICU knows (including 'UTC' and 'Etc/…'); names are case-insensitive. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** The canonical spelling ICU uses for a zone name (e.g. 'pacific/auckland' → 'Pacific/Auckland'). */
export function canonicalTimeZone(tz: string): string {
  return formatterFor(tz).resolvedOptions().timeZone;
}

// en-US with the options above always renders "MM/DD/YYYY, HH:MM:SS"; the regex guards that assumption
// and the slow formatToParts path takes over if an ICU update ever changes it.
const EN_US = /^(\d{2})\/(\d{2})\/(\d{1,6}), (\d{2}):(\d{2}):(\d{2})$/;

/**
 * UTC offset in seconds (local − UTC, e.g. +46800 for NZDT) in effect at `utcSeconds` in `tz`.
 * Exact to the second, including historical offsets such as Africa/Monrovia's −00:44:30.
 */
export function offsetAt(tz: string, utcSeconds: number): number {
  const fmt = formatterFor(tz);
  const t = Math.floor(utcSeconds);
  const text = fmt.format(t * 1000);
  const m = EN_US.exec(text);
  let local: number;
  if (m) {
    local = localSecondsOf(+m[3], +m[1], +m[2], +m[4], +m[5], +m[6]);
  } else {
    const p: Record<string, string> = {};
    for (const part of fmt.formatToParts(t * 1000)) p[part.type] = part.value;
    // Years before 1 CE come back as a positive year with an era; callstats never needs them.
    local = localSecondsOf(+p.year, +p.month, +p.day, +p.hour % 24, +p.minute, +p.second);
  }
  return local - t;
}
