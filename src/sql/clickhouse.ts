import { clickhouseLiteral, clickhouseString, clickhouseTuple } from './clickhouse-literal.js';
import { assertIdentifier, type Dialect } from './dialect.js';

/**
 * ClickHouse, 18.16 up to current. 18.16 has no server-side parameters, so values are rendered
 * as escaped typed literals (clickhouse-literal.ts) and `params` stays empty.
 */
export const clickhouseDialect: Dialect = {
  name: 'clickhouse',
  value(value) {
    return clickhouseLiteral(value);
  },
  identifier(name) {
    return `\`${assertIdentifier(name)}\``;
  },
  inList(expr, values, negated) {
    return `${expr} ${negated ? 'NOT IN' : 'IN'} ${clickhouseTuple(values)}`;
  },
  like(expr, pattern, caseInsensitive) {
    // 18.16 has no ilike; lowerUTF8 on both sides is the portable spelling. LIKE's own `\` escape
    // sits inside the string literal, whose escaping doubles it, so the pattern arrives intact.
    const p = clickhouseString(pattern);
    return caseInsensitive ? `lowerUTF8(${expr}) LIKE lowerUTF8(${p})` : `${expr} LIKE ${p}`;
  },
  nullAsFalse(predicate) {
    return `ifNull(${predicate}, 0)`;
  },
  booleanAsInteger(expr) {
    return expr;
  },
  toText(expr) {
    return `toString(${expr})`;
  },
  intDiv(a, b) {
    return `intDiv(${a}, ${b})`;
  },
  monthStart(local) {
    return `toInt64(toDateTime(toStartOfMonth(toDateTime(${local}, 'UTC')), 'UTC'))`;
  },
  aggregateStats(source, spec) {
    // :TRICKY: median/quantile in ClickHouse are approximate, and 18.16 has no interpolating exact
    // quantile, so values are sorted per group and the two closest ranks are interpolated here,
    // with the same formula as DuckDB's quantile_cont: lo + (hi - lo) * (h - floor(h)), h = (n - 1) * p.
    const cols = (withGrp: boolean) => [
      'bucket',
      withGrp ? 'grp' : 'CAST(NULL AS Nullable(String)) AS grp',
      withGrp ? 'toUInt8(0) AS is_total' : 'toUInt8(1) AS is_total',
      'count() AS total',
      'min(d) AS d_min',
      'max(d) AS d_max',
      'sum(d) AS d_sum',
      `${exactQuantile('arraySort(groupArray(d))', 0.5)} AS d_median`,
      ...(spec.percentiles
        ? [0.9, 0.95, 0.99].map((p) => `${exactQuantile('arraySort(groupArray(d))', p)} AS d_p${Math.round(p * 100)}`)
        : []),
      ...(spec.answered ? ['count() - sum(u) AS answered', 'sum(if(u = 0, b, 0)) AS ab_sum'] : []),
      ...(spec.billing ? ['min(b) AS b_min', 'max(b) AS b_max', 'sum(b) AS b_sum', `${exactQuantile('arraySort(groupArray(b))', 0.5)} AS b_median`] : []),
    ].join(', ');
    const byBucket = `SELECT ${cols(false)} FROM (${source}) GROUP BY bucket`;
    if (!spec.grouped) return `${byBucket} ORDER BY bucket`;
    const byGroup = `SELECT ${cols(true)} FROM (${source}) GROUP BY bucket, grp`;
    return `SELECT * FROM (${byBucket} UNION ALL ${byGroup}) ORDER BY bucket, is_total DESC, grp`;
  },
};

/** Exact quantile p of a sorted array expression, interpolated between the closest ranks. */
function exactQuantile(sorted: string, p: number): string {
  const h = `((length(s) - 1) * ${p})`;
  const lo = `toFloat64(s[toUInt64(floor(${h})) + 1])`;
  const hi = `toFloat64(s[toUInt64(ceil(${h})) + 1])`;
  return `arrayElement(arrayMap(s -> ${lo} + (${hi} - ${lo}) * (${h} - floor(${h})), [${sorted}]), 1)`;
}
