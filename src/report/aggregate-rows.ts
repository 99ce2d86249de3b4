import type { StatsSpec } from '../sql/dialect.js';

/**
 * The statistics aggregation of a few matching calls, done here from their raw rows (bucket, grp,
 * d and as asked b, u, i: the source of stats-sql.ts) instead of by the engine's GROUPING SETS and
 * exact median. It returns the rows the engine's aggregation returns (same columns, same order:
 * bucket, totals before groups, group value), so statistics.ts turns both into the answer alike.
 * :TRICKY: byte-identical answers need the engine's semantics: counts and integer sums are exact,
 * the mean is divided later from the same integer sum, quantiles are quantile_cont's
 * interpolation (snapped to hundredths later, as the engine's are), and groups are ordered as
 * DuckDB's ORDER BY grp orders them: numbers and booleans by value, text by code point (UTF-8
 * bytes, not JS's UTF-16 units), NULL last.
 */
export function aggregateRows(rows: readonly Record<string, unknown>[], spec: StatsSpec): Record<string, unknown>[] {
  const buckets = new Map<number, { all: Acc; groups: Map<unknown, Acc> }>();
  for (const row of rows) {
    const bucket = row.bucket as number;
    let b = buckets.get(bucket);
    if (!b) buckets.set(bucket, (b = { all: new Acc(), groups: new Map() }));
    b.all.add(row, spec);
    if (spec.grouped) {
      let g = b.groups.get(row.grp);
      if (!g) b.groups.set(row.grp, (g = new Acc()));
      g.add(row, spec);
    }
  }
  const out: Record<string, unknown>[] = [];
  for (const bucket of [...buckets.keys()].sort((x, y) => x - y)) {
    const b = buckets.get(bucket)!;
    out.push(b.all.row(bucket, null, 1, spec));
    if (!spec.grouped) continue;
    for (const grp of [...b.groups.keys()].sort(compareGroups)) out.push(b.groups.get(grp)!.row(bucket, grp, 0, spec));
  }
  return out;
}

/** One bucket's or group's calls: the raw values the quantiles need, the rest as running sums. */
class Acc {
  readonly d: number[] = [];
  readonly b: number[] = [];
  dSum = 0;
  unanswered = 0;
  abSum = 0;
  bSum = 0;
  readonly interactions = new Set<unknown>();
  withoutInteraction = 0;

  add(row: Record<string, unknown>, spec: StatsSpec): void {
    const d = row.d as number;
    this.d.push(d);
    this.dSum += d;
    if (spec.answered || spec.billing) {
      const b = row.b as number;
      if (spec.billing) {
        this.b.push(b);
        this.bSum += b;
      }
      if (spec.answered) {
        if (row.u === 1) this.unanswered++;
        else this.abSum += b;
      }
    }
    if (spec.calls) {
      if (row.i === null) this.withoutInteraction++;
      else this.interactions.add(row.i);
    }
  }

  row(bucket: number, grp: unknown, isTotal: number, spec: StatsSpec): Record<string, unknown> {
    const total = this.d.length;
    const d = sorted(this.d);
    const r: Record<string, unknown> = {
      bucket,
      grp,
      is_total: isTotal,
      total,
      d_min: d[0],
      d_max: d[total - 1],
      d_sum: this.dSum,
      d_median: quantileCont(d, 0.5),
    };
    if (spec.percentiles) {
      r.d_p90 = quantileCont(d, 0.9);
      r.d_p95 = quantileCont(d, 0.95);
      r.d_p99 = quantileCont(d, 0.99);
    }
    if (spec.answered) {
      r.answered = total - this.unanswered;
      r.ab_sum = this.abSum;
    }
    if (spec.billing) {
      const b = sorted(this.b);
      Object.assign(r, { b_min: b[0], b_max: b[total - 1], b_sum: this.bSum, b_median: quantileCont(b, 0.5) });
    }
    if (spec.calls) r.calls = this.interactions.size + this.withoutInteraction;
    return r;
  }
}

function sorted(xs: number[]): Float64Array {
  return Float64Array.from(xs).sort();
}

/** quantile_cont: h = (n - 1) * p, interpolated between the values at floor(h) and ceil(h). */
export function quantileCont(v: Float64Array, p: number): number {
  const h = (v.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return lo === hi ? v[lo] : v[lo] + (v[hi] - v[lo]) * (h - lo);
}

/** DuckDB's ascending order of group values: NULL last, text by code point. */
export function compareGroups(x: unknown, y: unknown): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  if (typeof x === 'string' && typeof y === 'string') return compareCodePoints(x, y);
  return Number(x) < Number(y) ? -1 : Number(x) > Number(y) ? 1 : 0;
}

function compareCodePoints(x: string, y: string): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x.charCodeAt(i);
    const b = y.charCodeAt(i);
    if (a === b) continue;
    // A surrogate (U+D800–DFFF) stands for a code point above U+FFFF: it sorts after U+E000–FFFF.
    const sa = a >= 0xd800 && a <= 0xdfff;
    const sb = b >= 0xd800 && b <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return a - b;
  }
  return x.length - y.length;
}
