/**
 * Local wall-clock readings for the reference, from `referenceLocalParts` (a fresh Intl formatter per
 * call), and the reference's own formatting of Kazoo times and offsets. Nothing here uses the
 * offset segments or the civil arithmetic of src/time, which are what the reference checks.
 */
import type { LocalParts } from '../../src/time/civil.js';
import { referenceLocalParts } from './local-parts.js';

// Memoised only because a fresh Intl formatter per (instant, zone) is slow; the answer is the same.
const cache = new Map<string, LocalParts>();

/** Wall-clock parts of a UTC instant in `tz`. */
export function refLocal(utc: number, tz: string): LocalParts {
  const key = `${tz} ${utc}`;
  let p = cache.get(key);
  if (!p) {
    p = referenceLocalParts(utc, tz);
    cache.set(key, p);
  }
  return p;
}

/** A calendar reading (no zone) as seconds since 1970-01-01T00:00 on that clock; modern years only. */
export function wallSeconds(p: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number }): number {
  return Date.UTC(p.year, p.month - 1, p.day, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) / 1000;
}

/** The offset in effect at `utc` in `tz`: wall clock minus UTC. */
export function refOffset(utc: number, tz: string): number {
  return wallSeconds(refLocal(utc, tz)) - utc;
}

const two = (n: number) => String(n).padStart(2, '0');

/** "HH:MM:SS DD/MM/YYYY" or "HH:MM:SS MM/DD/YYYY". */
export function refKazoo(
  p: { year: number; month: number; day: number; hour: number; minute: number; second: number },
  order: 'dmy' | 'mdy',
): string {
  const date = order === 'mdy' ? `${two(p.month)}/${two(p.day)}` : `${two(p.day)}/${two(p.month)}`;
  return `${two(p.hour)}:${two(p.minute)}:${two(p.second)} ${date}/${String(p.year).padStart(4, '0')}`;
}

/** "YYYY-MM-DDTHH:MM:SS" without offset. */
export function refIsoLocal(p: { year: number; month: number; day: number; hour: number; minute: number; second: number }): string {
  return `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

/** "+13:00", "-03:00", "+00:00"; seconds only when the offset has them (docs/time.md OFFSET-SECONDS). */
export function refOffsetText(offset: number): string {
  const a = Math.abs(offset);
  const base = `${offset < 0 ? '-' : '+'}${two(Math.floor(a / 3600))}:${two(Math.floor(a / 60) % 60)}`;
  return a % 60 === 0 ? base : `${base}:${two(a % 60)}`;
}

/** A call's call_time as the records export shows it: the instant's own local time and offset. */
export function refCallTime(utc: number, tz: string, format: 'kazoo' | 'iso', order: 'dmy' | 'mdy'): string {
  const p = refLocal(utc, tz);
  return format === 'kazoo' ? refKazoo(p, order) : refIsoLocal(p) + refOffsetText(refOffset(utc, tz));
}
