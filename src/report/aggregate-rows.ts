import type { StatsSpec } from '../sql/dialect.js';
import { statsRowsColumns } from '../sql/stats-sql.js';
import type { ColumnChunk } from '../store/store.js';

/**
 * The statistics aggregation of a few matching calls, done here from their raw values (the columns
 * of stats-sql.ts's statsRowsQuery: bucket, grp, d and as asked b, u, i, read from the engine's
 * column chunks, never as row objects) instead of by the engine's GROUPING SETS and exact median.
 * It returns the rows the engine's aggregation returns (same columns, same order: bucket, totals
 * before groups, group value), so statistics.ts turns both into the answer alike.
 * :TRICKY: byte-identical answers need the engine's semantics: counts and integer sums are exact,
 * the mean is divided later from the same integer sum, quantiles are quantile_cont's
 * interpolation (snapped to hundredths later, as the engine's are), and groups are ordered as
 * DuckDB's ORDER BY grp orders them: numbers and booleans by value, text by code point (UTF-8
 * bytes, not JS's UTF-16 units), NULL last.
 */
export function aggregateRows(chunks: readonly ColumnChunk[], spec: StatsSpec): Record<string, unknown>[] {
  const cols = statsRowsColumns(spec);
  const [bCol, uCol, iCol] = ['b', 'u', 'i'].map((c) => cols.indexOf(c));
  let n = 0;
  for (const chunk of chunks) n += chunk.rowCount;

  // Pass 1: each row's cell (bucket × group, numbered as first seen) and its values, by row.
  const bucketIds = new Map<number, number>();
  const groupIds = new Map<unknown, number>();
  // cellsOf[bucket index][group index]: the cell's number (array look-ups, not a Map per row).
  const cellsOf: number[][] = [];
  const cellBucket: number[] = [];
  const cellGroup: number[] = [];
  const rowCell = new Int32Array(n);
  const d = new Int32Array(n);
  const b = bCol >= 0 ? new Int32Array(n) : undefined;
  const u = uCol >= 0 ? new Uint8Array(n) : undefined;
  const ids = iCol >= 0 ? new Array<unknown>(n) : undefined;
  let row = 0;
  let lastBucket = NaN;
  let bi = -1;
  let lastGroup: unknown = undefined;
  let gi = 0;
  let cell = -1;
  for (const chunk of chunks) {
    const rows = chunk.rowCount;
    const vBucket = chunk.getColumnVector(0);
    const vGroup = chunk.getColumnVector(1);
    const vD = chunk.getColumnVector(2);
    const vB = bCol >= 0 ? chunk.getColumnVector(bCol) : undefined;
    const vU = uCol >= 0 ? chunk.getColumnVector(uCol) : undefined;
    const vI = iCol >= 0 ? chunk.getColumnVector(iCol) : undefined;
    for (let r = 0; r < rows; r++, row++) {
      // Rows come mostly in call_time order: the bucket and group of the row before are the usual hit.
      const bucket = vBucket.getItem(r) as number;
      if (bucket !== lastBucket) {
        lastBucket = bucket;
        bi = bucketIds.get(bucket) ?? -1;
        if (bi < 0) bucketIds.set(bucket, (bi = bucketIds.size));
      }
      if (spec.grouped) {
        let group = vGroup.getItem(r);
        if (typeof group === 'bigint') group = Number(group);
        if (group !== lastGroup) {
          lastGroup = group;
          gi = groupIds.get(group) ?? -1;
          if (gi < 0) groupIds.set(group, (gi = groupIds.size));
        }
      }
      const cells = (cellsOf[bi] ??= []);
      cell = cells[gi] ?? -1;
      if (cell < 0) {
        cells[gi] = cell = cellBucket.length;
        cellBucket.push(bi);
        cellGroup.push(gi);
      }
      rowCell[row] = cell;
      d[row] = vD.getItem(r) as number;
      if (b) b[row] = vB!.getItem(r) as number;
      if (u) u[row] = vU!.getItem(r) as number;
      if (ids) ids[row] = vI!.getItem(r);
    }
  }

  // Cells in answer order (bucket, then group as DuckDB orders it), each a contiguous range.
  const buckets = [...bucketIds.keys()];
  const groups = [...groupIds.keys()];
  const bucketRank = rankOf(buckets, (x, y) => x - y);
  const groupRank = rankOf(groups, compareGroups);
  const order = Array.from(cellBucket, (_, c) => c).sort(
    (x, y) =>
      bucketRank[cellBucket[x]] - bucketRank[cellBucket[y]] || (spec.grouped ? groupRank[cellGroup[x]] - groupRank[cellGroup[y]] : 0),
  );
  const start = new Int32Array(order.length + 1);
  const count = new Int32Array(order.length);
  for (let r = 0; r < n; r++) count[rowCell[r]]++;
  const at = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) {
    at[order[k]] = start[k];
    start[k + 1] = start[k] + count[order[k]];
  }
  const v: Values = { d: new Int32Array(n), b: b && new Int32Array(n), u: u && new Uint8Array(n), ids: ids && new Array(n) };
  for (let r = 0; r < n; r++) {
    const p = at[rowCell[r]]++;
    v.d[p] = d[r];
    if (b) v.b![p] = b[r];
    if (u) v.u![p] = u[r];
    if (ids) v.ids![p] = ids[r];
  }

  const out: Record<string, unknown>[] = [];
  for (let k = 0; k < order.length;) {
    const bucketIndex = cellBucket[order[k]];
    let end = k;
    while (end < order.length && cellBucket[order[end]] === bucketIndex) end++;
    const bucket = buckets[bucketIndex];
    // The total row sorts copies; the groups then sort their own ranges in place.
    out.push(stats(v, start[k], start[end], bucket, null, 1, spec, spec.grouped));
    if (spec.grouped)
      for (let j = k; j < end; j++) out.push(stats(v, start[j], start[j + 1], bucket, groups[cellGroup[order[j]]], 0, spec, false));
    k = end;
  }
  return out;
}

/** The matching calls' values, laid out cell by cell. */
interface Values {
  d: Int32Array;
  b?: Int32Array;
  u?: Uint8Array;
  ids?: unknown[];
}

/** rank[i]: the position of xs[i] in xs sorted by `compare`. */
function rankOf<T>(xs: T[], compare: (x: T, y: T) => number): Int32Array {
  const rank = new Int32Array(xs.length);
  xs.map((_, i) => i)
    .sort((i, j) => compare(xs[i], xs[j]))
    .forEach((i, r) => (rank[i] = r));
  return rank;
}

/** One bucket's or group's row, the engine's columns, from the calls in [from, to). */
function stats(
  v: Values,
  from: number,
  to: number,
  bucket: number,
  grp: unknown,
  isTotal: number,
  spec: StatsSpec,
  copy: boolean,
): Record<string, unknown> {
  const total = to - from;
  const d = copy ? v.d.slice(from, to).sort() : v.d.subarray(from, to).sort();
  let dSum = 0;
  for (let k = 0; k < total; k++) dSum += d[k];
  const r: Record<string, unknown> = {
    bucket,
    grp,
    is_total: isTotal,
    total,
    d_min: d[0],
    d_max: d[total - 1],
    d_sum: dSum,
    d_median: quantileCont(d, 0.5),
  };
  if (spec.percentiles) {
    r.d_p90 = quantileCont(d, 0.9);
    r.d_p95 = quantileCont(d, 0.95);
    r.d_p99 = quantileCont(d, 0.99);
  }
  if (spec.answered) {
    let unanswered = 0;
    let abSum = 0;
    for (let k = from; k < to; k++) {
      if (v.u![k] === 1) unanswered++;
      else abSum += v.b![k];
    }
    r.answered = total - unanswered;
    r.ab_sum = abSum;
  }
  if (spec.billing) {
    // Always a copy: the answered sums read b beside u, call by call, for the groups after the total.
    const b = v.b!.slice(from, to).sort();
    let bSum = 0;
    for (let k = 0; k < total; k++) bSum += b[k];
    Object.assign(r, { b_min: b[0], b_max: b[total - 1], b_sum: bSum, b_median: quantileCont(b, 0.5) });
  }
  if (spec.calls) {
    const seen = new Set<unknown>();
    let without = 0;
    for (let k = from; k < to; k++) {
      const id = v.ids![k];
      if (id === null) without++;
      else seen.add(id);
    }
    r.calls = seen.size + without;
  }
  return r;
}

/** quantile_cont: h = (n - 1) * p, interpolated between the values at floor(h) and ceil(h). */
export function quantileCont(v: ArrayLike<number>, p: number): number {
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
