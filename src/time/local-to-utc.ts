/** Local wall-clock time (as local seconds) → UTC instant, with named rules for DST gaps and overlaps. */
import { offsetSegments } from './offset-segments.js';

/** How a local time maps to instants: once, twice (fall-back overlap) or never (spring-forward gap). */
export interface LocalResolution {
  kind: 'unique' | 'repeated' | 'skipped';
  /** The instant chosen by the rules below. */
  utc: number;
  /** Every instant whose local time is exactly this one, earliest first (0, 1 or 2 of them). */
  instants: number[];
}

// Offsets never exceed a day in magnitude (the largest in tzdb is LMT ~15:56), so every instant that
// reads as `local` lies within a day of it; two days each side also holds the neighbouring transitions.
const WINDOW = 2 * 86400;

/**
 * Resolves a local wall-clock time in `tz` to UTC.
 *
 * :TRICKY: Rule OVERLAP-EARLIER — a repeated local time (fall-back) is the EARLIER instant, so a
 * bucket or range that starts at a repeated hour starts at its first occurrence.
 * :TRICKY: Rule GAP-FORWARD — a skipped local time (spring-forward) is read with the offset in effect
 * BEFORE the transition, i.e. shifted forward by the length of the gap: 02:30 on a day that jumps
 * 02:00→03:00 becomes 03:30 (JS Temporal's 'compatible' disambiguation, java.time's default). A skipped
 * midnight (America/Sao_Paulo 2018-11-04, 00:00→01:00) therefore resolves to 01:00, the day's first instant.
 */
export function resolveLocal(localSeconds: number, tz: string): LocalResolution {
  const local = Math.floor(localSeconds);
  const segs = offsetSegments(tz, local - WINDOW, local + WINDOW);
  const instants: number[] = [];
  for (const s of segs) {
    const t = local - s.offset;
    if (t >= s.start && t < s.end) instants.push(t);
  }
  if (instants.length > 0) {
    return { kind: instants.length > 1 ? 'repeated' : 'unique', utc: instants[0], instants };
  }
  for (let i = 0; i + 1 < segs.length; i++) {
    const before = segs[i];
    const after = segs[i + 1];
    if (before.end + before.offset <= local && local < after.start + after.offset) {
      return { kind: 'skipped', utc: local - before.offset, instants };
    }
  }
  // Unreachable for valid zones: every local time is matched, repeated or inside exactly one gap.
  throw new Error(`cannot resolve local time ${local} in ${tz}`);
}

/** UTC epoch seconds of a local wall-clock time in `tz` (rules OVERLAP-EARLIER and GAP-FORWARD). */
export function localToUtc(localSeconds: number, tz: string): number {
  return resolveLocal(localSeconds, tz).utc;
}
