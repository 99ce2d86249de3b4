import type { StatsSpec } from './dialect.js';
import type { ClickHouseFeatures } from './clickhouse.js';

const QUANTILES = [0.9, 0.95, 0.99] as const;

/**
 * The statistics aggregation on ClickHouse (Dialect.aggregateStats), in the forms `features` allow.
 * :TRICKY: ClickHouse's median/quantile are approximate, and quantileExact does not interpolate. Before
 * 20.12 each group's values are collected and sorted once (`ds`, `bs`) and the two closest ranks are
 * interpolated with DuckDB's quantile_cont formula: lo + (hi - lo) * (h - floor(h)), h = (n - 1) * p;
 * from 20.12 quantilesExactInclusive computes the same in the engine.
 * 18.16 has no GROUPING SETS (22.6+): per-bucket totals and per-group rows are two GROUP BYs in a
 * UNION ALL, whose branches must have identical column types. With GROUPING SETS the source is read
 * once; the total row is the one whose grp is NULL (groupKey never yields NULL for a real group).
 */
export function aggregateStats(source: string, spec: StatsSpec, features: ClickHouseFeatures): string {
  const ps = [0.5, ...(spec.percentiles ? QUANTILES : [])];
  const dq = features.exactInclusive ? [`quantilesExactInclusive(${ps.join(', ')})(d) AS dq`] : ['arraySort(groupArray(d)) AS ds'];
  const bq = features.exactInclusive ? ['quantileExactInclusive(0.5)(b) AS b_med'] : ['arraySort(groupArray(b)) AS bs'];
  const aggregates = [
    'count() AS total',
    'min(d) AS d_min',
    'max(d) AS d_max',
    'sum(d) AS d_sum',
    ...dq,
    ...(spec.answered ? ['count() - sum(u) AS answered', 'sum(if(u = 0, b, 0)) AS ab_sum'] : []),
    ...(spec.billing ? ['min(b) AS b_min', 'max(b) AS b_max', 'sum(b) AS b_sum', ...bq] : []),
    // uniqExact is exact (uniq is not) and skips NULLs; a leg without an interaction is its own call.
    // :TRICKY: over a group whose every i is NULL, 18.16's uniqExact answers NULL, not 0.
    ...(spec.calls ? ['ifNull(uniqExact(i), 0) + countIf(isNull(i)) AS calls'] : []),
  ];
  const dQuantile = (p: number, i: number) => (features.exactInclusive ? `toFloat64(dq[${i + 1}])` : exactQuantile('ds', p));
  const outer = [
    'bucket',
    'g AS grp',
    'is_total',
    'total',
    'd_min',
    'd_max',
    'd_sum',
    `${dQuantile(0.5, 0)} AS d_median`,
    ...(spec.percentiles ? QUANTILES.map((p, i) => `${dQuantile(p, i + 1)} AS d_p${Math.round(p * 100)}`) : []),
    ...(spec.answered ? ['answered', 'ab_sum'] : []),
    ...(spec.billing
      ? ['b_min', 'b_max', 'b_sum', `${features.exactInclusive ? 'toFloat64(b_med)' : exactQuantile('bs', 0.5)} AS b_median`]
      : []),
    ...(spec.calls ? ['calls'] : []),
  ].join(', ');
  let rows: string;
  if (spec.grouped && features.groupingSets) {
    rows = `SELECT bucket, grp AS g, toUInt8(grp IS NULL) AS is_total, ${aggregates.join(', ')} FROM (${source}) GROUP BY GROUPING SETS ((bucket), (bucket, grp))`;
  } else {
    const inner = (grouped: boolean) =>
      [
        'bucket',
        grouped ? 'grp AS g' : 'CAST(NULL AS Nullable(String)) AS g',
        grouped ? 'toUInt8(0) AS is_total' : 'toUInt8(1) AS is_total',
        ...aggregates,
      ].join(', ');
    const byBucket = `SELECT ${inner(false)} FROM (${source}) GROUP BY bucket`;
    rows = spec.grouped ? `${byBucket} UNION ALL SELECT ${inner(true)} FROM (${source}) GROUP BY bucket, grp` : byBucket;
  }
  return `SELECT ${outer} FROM (${rows}) ORDER BY bucket, is_total DESC, grp`;
}

/** Exact quantile p of a sorted, non-empty array column, interpolated between the closest ranks. */
function exactQuantile(sorted: string, p: number): string {
  const h = `((length(${sorted}) - 1) * ${p})`;
  const lo = `toFloat64(${sorted}[toUInt64(floor(${h})) + 1])`;
  const hi = `toFloat64(${sorted}[toUInt64(ceil(${h})) + 1])`;
  return `(${lo} + (${hi} - ${lo}) * (${h} - floor(${h})))`;
}
