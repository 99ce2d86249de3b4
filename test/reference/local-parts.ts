/**
 * A deliberately naive reference for differential tests: local wall-clock parts straight from
 * Intl.DateTimeFormat#formatToParts, a fresh formatter per call, no caching, no arithmetic shortcuts.
 * Do not use it on hot paths.
 */
import type { LocalParts } from '../../src/time/civil.js';

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Wall-clock parts of `utcSeconds` in `tz`; weekday is ISO (1 = Monday … 7 = Sunday). */
export function referenceLocalParts(utcSeconds: number, tz: string): LocalParts {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(new Date(utcSeconds * 1000))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday],
  };
}
