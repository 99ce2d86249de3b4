import type { ParseContext } from '../../src/query/parse-query.js';

// A stand-in for src/time: "HH:MM:SS DD/MM/YYYY" in a zone with a fixed offset. It records the
// zone it was given so tests can check that the request's time zone reaches call_time values.
const OFFSETS: Record<string, number> = { UTC: 0, 'Pacific/Auckland': 13 * 3600 };

/** A parse context for tests; `zonesSeen` collects the tz argument of every parseTime call. */
export function testContext(overrides: Partial<ParseContext> = {}): ParseContext & { zonesSeen: string[] } {
  const zonesSeen: string[] = [];
  return {
    defaultTimezone: 'UTC',
    isValidTimeZone: (tz) => tz in OFFSETS,
    parseTime: (value, tz) => {
      zonesSeen.push(tz);
      const m = /^(\d\d):(\d\d):(\d\d) (\d\d)\/(\d\d)\/(\d{4})$/.exec(value);
      if (!m) throw new Error(`invalid time '${value}': expected "HH:MM:SS DD/MM/YYYY"`);
      const [, hh, mi, ss, dd, mo, yyyy] = m.map(Number);
      return Date.UTC(yyyy, mo - 1, dd, hh, mi, ss) / 1000 - OFFSETS[tz];
    },
    ...overrides,
    zonesSeen,
  };
}
