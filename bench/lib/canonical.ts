import type { CanonicalStat } from './pg-baseline-sql.js';

/** One bucket or group of a callstats answer, as far as the comparison needs it. */
interface ApiStats {
  total: number;
  duration_seconds: { min: number; max: number; mean: number; median: number };
  groups?: Record<string, ApiStats>;
}

/** `HH:MM:SS DD/MM/YYYY` (date order dmy, as the harness configures callstats) → `YYYY-MM-DD HH:MM:SS`. */
function kazooKeyToLocal(key: string): string {
  const m = /^(\d\d:\d\d:\d\d) (\d\d)\/(\d\d)\/(\d{4})$/.exec(key);
  if (!m) throw new Error(`unexpected bucket key '${key}'`);
  return `${m[4]}-${m[3]}-${m[2]} ${m[1]}`;
}

function stat(bucket: string, group: string | null, s: ApiStats): CanonicalStat {
  const d = s.duration_seconds;
  return { bucketLocalStart: bucket, group, total: s.total, min: d.min, max: d.max, mean: d.mean, median: d.median };
}

/** A callstats statistics answer (`data` of the envelope, or `statistics()`'s result) in canonical rows. */
export function canonicalFromApi(data: Record<string, ApiStats>): CanonicalStat[] {
  const rows: CanonicalStat[] = [];
  for (const [key, s] of Object.entries(data)) {
    const bucket = kazooKeyToLocal(key);
    rows.push(stat(bucket, null, s));
    for (const [g, gs] of Object.entries(s.groups ?? {})) rows.push(stat(bucket, g, gs));
  }
  return sortCanonical(rows);
}

/** Bucket, then the bucket total before its groups, then group key. */
export function sortCanonical(rows: CanonicalStat[]): CanonicalStat[] {
  const key = (r: CanonicalStat): string => `${r.bucketLocalStart}|${r.group === null ? '' : '\u0001' + r.group}`;
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Differences between two canonical answers, at most `limit`. Everything is compared exactly
 * except the mean: PostgreSQL's `avg` is an exact numeric that the driver hands over as decimal
 * text, callstats' mean is a double, so the two may differ in the last binary digit.
 */
export function diffCanonical(want: CanonicalStat[], got: CanonicalStat[], limit = 10): string[] {
  const out: string[] = [];
  if (want.length !== got.length) out.push(`row count: postgres ${want.length}, callstats ${got.length}`);
  const n = Math.max(want.length, got.length);
  for (let i = 0; i < n && out.length < limit; i++) {
    const a = want[i];
    const b = got[i];
    const same =
      a !== undefined &&
      b !== undefined &&
      a.bucketLocalStart === b.bucketLocalStart &&
      a.group === b.group &&
      a.total === b.total &&
      a.min === b.min &&
      a.max === b.max &&
      a.median === b.median &&
      Math.abs(a.mean - b.mean) <= 1e-9 * Math.max(1, Math.abs(a.mean));
    if (!same) out.push(`row ${i}: postgres ${JSON.stringify(a)}\n        callstats ${JSON.stringify(b)}`);
  }
  return out;
}
