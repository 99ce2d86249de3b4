/**
 * The UTC-offset segments of a zone over a UTC range: what the SQL engines need to turn `call_time`
 * into local seconds (`ts + CASE WHEN ts < end1 THEN off1 … END`) without converting zones per row.
 */
import { offsetAt } from './zone.js';

/** A half-open UTC interval [start, end) in epoch seconds over which `offset` (seconds) is constant. */
export interface OffsetSegment {
  start: number;
  end: number;
  offset: number;
}

// :TRICKY: transitions are found by probing offsetAt every PROBE_STEP seconds and bisecting to the
// exact second. A probe step can only miss a segment that is shorter than the step AND has the same
// offset on both sides (A→B→A). A 3-hourly scan of every ICU zone for 1900–2040 found the shortest
// such segment is America/Boa_Vista's one-week DST of 2000-10-08..15 (6 d 23 h; Noronha and Recife
// 7 d), so the step is 3 days — under half of that — which keeps 30 years at ~4,000 probes (~8 ms).
// A→B→C changes inside one step are still found: bisection looks for the first second whose offset
// differs from the current one, which stays monotone.
const PROBE_STEP = 3 * 86400;
const ALIGN = 900;

// Segments are computed per fixed UTC chunk and cached, so repeated requests (and localToUtc, which
// asks for a few days around each bucket boundary) cost almost nothing after the first one.
const CHUNK = 2 ** 24; // ~194 days
const MAX_CACHED_CHUNKS = 50_000;
/** Longest range computed: 1,000 years (a query covers at most 1970–2100). */
const MAX_SPAN_SECONDS = 1000 * 366 * 86400;
/** Farthest instant from 1970 computed: year ~5000 either way, well inside Date's range. */
const MAX_ABS_SECONDS = 3000 * 366 * 86400;
const chunkCache = new Map<string, Map<number, OffsetSegment[]>>();
let cachedChunks = 0;

function scan(tz: string, from: number, to: number): OffsetSegment[] {
  const out: OffsetSegment[] = [];
  let segStart = from;
  let off = offsetAt(tz, from);
  let probe = from;
  for (;;) {
    const next = Math.min(probe + PROBE_STEP, to - 1);
    if (next <= probe) break;
    if (offsetAt(tz, next) === off) {
      probe = next;
      continue;
    }
    // Invariant: offsetAt(a) === off, offsetAt(b) !== off; narrow to adjacent seconds.
    let a = probe;
    let b = next;
    // Nearly every transition falls on a quarter hour, so bisect over quarter-hour marks first and
    // then try the mark itself: ~11 probes instead of ~20 per transition. Odd-second historical
    // transitions (LMT changes) fall through to the plain bisection below.
    for (;;) {
      const lo = Math.floor(a / ALIGN) + 1;
      const hi = Math.ceil(b / ALIGN) - 1;
      if (lo > hi) break;
      const m = Math.floor((lo + hi) / 2) * ALIGN;
      if (offsetAt(tz, m) === off) a = m;
      else b = m;
    }
    if (b - a > 1 && b % ALIGN === 0) {
      if (offsetAt(tz, b - 1) === off) a = b - 1;
      else b = b - 1;
    }
    while (b - a > 1) {
      const m = a + Math.floor((b - a) / 2);
      if (offsetAt(tz, m) === off) a = m;
      else b = m;
    }
    out.push({ start: segStart, end: b, offset: off });
    segStart = b;
    off = offsetAt(tz, b);
    probe = b;
  }
  out.push({ start: segStart, end: to, offset: off });
  return out;
}

function chunkSegments(tz: string, k: number): OffsetSegment[] {
  let zone = chunkCache.get(tz);
  if (!zone) chunkCache.set(tz, (zone = new Map()));
  let segs = zone.get(k);
  if (!segs) {
    segs = scan(tz, k * CHUNK, (k + 1) * CHUNK);
    if (cachedChunks >= MAX_CACHED_CHUNKS) {
      chunkCache.clear();
      chunkCache.set(tz, zone);
      zone.clear();
      cachedChunks = 0;
    }
    zone.set(k, segs);
    cachedChunks++;
  }
  return segs;
}

/**
 * Contiguous half-open UTC intervals covering [fromUtc, toUtc), each with a constant offset, in order;
 * neighbouring segments always differ in offset. Exact to the second. Empty when fromUtc >= toUtc.
 */
export function offsetSegments(tz: string, fromUtc: number, toUtc: number): OffsetSegment[] {
  const from = Math.floor(fromUtc);
  const to = Math.ceil(toUtc);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError('offsetSegments: range must be finite');
  // :TRICKY: the cost is linear in the span (a probe every 3 days), and offsetAt fails past
  // JavaScript's Date range: a span of 10^15 s once blocked the event loop for a minute before
  // failing. Callers clamp to 1970–2100 (report/time-bounds.ts); this refuses at once instead.
  if (to - from > MAX_SPAN_SECONDS || from < -MAX_ABS_SECONDS || to > MAX_ABS_SECONDS) {
    throw new RangeError(`offsetSegments: range [${from}, ${to}) is outside what a query can cover`);
  }
  offsetAt(tz, from); // validates tz before anything is cached under its name
  const out: OffsetSegment[] = [];
  if (from >= to) return out;
  for (let k = Math.floor(from / CHUNK); k * CHUNK < to; k++) {
    for (const s of chunkSegments(tz, k)) {
      const start = Math.max(s.start, from);
      const end = Math.min(s.end, to);
      if (start >= end) continue;
      const last = out[out.length - 1];
      // Chunk edges are not transitions: join the pieces of a segment that spans two chunks.
      if (last && last.offset === s.offset && last.end === start) last.end = end;
      else out.push({ start, end, offset: s.offset });
    }
  }
  return out;
}
