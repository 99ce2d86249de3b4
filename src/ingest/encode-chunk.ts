import type { Zone } from '../core/zone.js';
import { BoundsTracker, encodeCallLine, type BatchBounds } from '../store/duckdb/call-csv.js';
import { ZoneIdMatcher, ZoneMatcher, type SharedZoneMatch } from '../zones/matcher.js';
import { normaliseNumber } from '../zones/normalise.js';
import type { RawRecord } from './types.js';

/**
 * What a worker needs to zone and encode calls itself: the store's zone table, either as the
 * shared matcher arrays (`shared`: one copy for every thread, what `import` sends) or as zones.
 */
export interface EncodeSetup {
  shared?: SharedZoneMatch;
  zones?: readonly Zone[];
  defaultCountry?: string;
}

/** One chunk's calls as CSV lines for DuckDB's `read_csv` (store/duckdb/call-csv.ts), with their bounds. */
export interface EncodedCalls extends BatchBounds {
  bytes: Uint8Array;
  /** Byte offset just after each call's line, so a batch can end inside a chunk. */
  ends: Uint32Array;
  calls: number;
  maxLineBytes: number;
}

/**
 * A chunk's ordinals start here: chunk `seq` numbers its calls `seq · 2^24 + k` (a 1 MB chunk holds
 * far fewer than 2^24 lines), so ordinals increase in input order across the chunks of a batch and
 * the first of a repeated call keeps winning.
 */
const ORDINALS_PER_CHUNK = 2 ** 24;

/**
 * Returns the encoder of a worker: the chunk's converted calls are zoned (the same lookup as
 * ZoneService.zoneOf: the matcher on the normalised number) and encoded; errors and skips stay
 * records, so the main thread counts and lists them as before, and never sees a call object.
 */
export function encodeChunk(setup: EncodeSetup): (seq: number, records: RawRecord[]) => { records: RawRecord[]; encoded: EncodedCalls } {
  const zoneOf = zoneMatch(setup);
  const text = new TextEncoder();
  return (seq, records) => {
    const kept: RawRecord[] = [];
    const lines: string[] = [];
    const bounds = new BoundsTracker();
    for (const r of records) {
      const c = r.call;
      if (c === undefined) {
        kept.push(r);
        continue;
      }
      c.caller_zone_id = zoneOf(c.caller_id_number);
      c.callee_zone_id = zoneOf(c.callee_id_number);
      bounds.add(c);
      lines.push(encodeCallLine(seq * ORDINALS_PER_CHUNK + lines.length, c));
    }
    // Each line UTF-8-encoded straight into one buffer (3 bytes per UTF-16 unit at most), its end
    // read off as it is written: no joined string, no second pass to count bytes. encodeInto writes
    // a lone surrogate as U+FFFD, as the appender stored it.
    let units = 0;
    for (const line of lines) units += line.length;
    const buf = new Uint8Array(units * 3);
    const ends = new Uint32Array(lines.length);
    let at = 0;
    let maxLineBytes = 0;
    for (let i = 0; i < lines.length; i++) {
      const n = text.encodeInto(lines[i], buf.subarray(at)).written;
      ends[i] = at += n;
      if (n > maxLineBytes) maxLineBytes = n;
    }
    // A copy of the exact size, so the buffer transferred to the main thread holds no slack.
    const bytes = buf.slice(0, at);
    const b = bounds.empty ? { accounts: [], minCallTime: 0, maxCallTime: 0 } : bounds.bounds();
    return { records: kept, encoded: { bytes, ends, calls: lines.length, maxLineBytes, ...b } };
  };
}

/** The worker's zone look-up: ZoneService.zoneOf's rule on the shared arrays, or a matcher built from zones. */
function zoneMatch(setup: EncodeSetup): (raw: string | null) => number | null {
  const country = setup.defaultCountry;
  if (setup.shared !== undefined) {
    const shared = new ZoneIdMatcher(setup.shared);
    return (raw) => shared.zoneIdOf(raw, country);
  }
  const matcher = new ZoneMatcher(setup.zones ?? []);
  return (raw) => matcher.match(normaliseNumber(raw, country))?.id ?? null;
}
