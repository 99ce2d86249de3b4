import { CALL_COLUMNS } from '../core/call.js';
import { ZONE_JOINS } from '../query/fields.js';
import { clickhouseLiteral, clickhouseString, clickhouseTuple } from '../store/clickhouse/literal.js';
import { assertIdentifier, type Dialect, type StatsSpec } from './dialect.js';
import { CALLS_ALIAS } from './field-sql.js';

/**
 * ClickHouse, 18.16 up to current. 18.16 has no server-side parameters, so values are rendered
 * as escaped typed literals (store/clickhouse/literal.ts) and `params` stays empty.
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
  groupKey(expr) {
    // :TRICKY: always text here. The per-bucket rows carry a NULL group and UNION ALL in 18.16 wants
    // equal types in both branches; and COALESCE(Enum8, 'null') has no supertype on 18.16. toString
    // gives the key text statistics.ts would make ('5', 'inbound', '0'/'1'), and a missing value
    // becomes 'null', the key it gets on DuckDB too (no integer prints as 'null', so no groups merge).
    return `toNullable(ifNull(toString(${expr}), 'null'))`;
  },
  intDiv(a, b) {
    return `intDiv(${a}, ${b})`;
  },
  monthStart(local) {
    // Local seconds read as a UTC DateTime: truncating it is plain calendar math, whatever the server zone.
    return `toInt64(toDateTime(toStartOfMonth(toDateTime(${local}, 'UTC')), 'UTC'))`;
  },
  callsFrom(joins, account) {
    return callsFrom(joins, account);
  },
  aggregateStats(source, spec) {
    return aggregateStats(source, spec);
  },
};

/**
 * :TRICKY: 18.16 allows one JOIN per SELECT, only `ANY|ALL LEFT|INNER JOIN ... USING`, and no table
 * alias on the right side. So each zone side is joined in its own nested SELECT, and the zone columns
 * come out named `zr.country`, `ze.description` ...: in the outer query the compound identifier
 * `zr`.`country` names no table, so ClickHouse looks it up as the column `zr.country` (the rule that
 * makes Nested columns `n.x` work). Field expressions are thus the same text as on DuckDB, and every
 * outer query has a single source `c`, valid with or without the new analyzer of current releases.
 * ANY LEFT JOIN keeps one row per call even if `zones` ever held an id twice (the view prevents it).
 * The account test is repeated in the innermost SELECT, so the join reads one account's calls only.
 * :TRICKY: in cluster mode `calls` is Distributed and a plain JOIN is executed by each shard, which
 * resolves `zones` in its connection's default database (`default.zones doesn't exist`). GLOBAL runs
 * the zones subquery here, in the store's database, and ships it to the shards. A second join reads a
 * subquery, so it already runs here and stays a plain join.
 */
function callsFrom(joins: { caller: boolean; callee: boolean }, account: string | undefined): string {
  const sides = (['caller', 'callee'] as const).filter((s) => joins[s]);
  if (sides.length === 0) return `\`calls\` ${CALLS_ALIAS}`;
  let columns: string[] = CALL_COLUMNS.map((c) => `\`${c}\``);
  let from = '`calls`';
  let where = account === undefined ? '' : ` WHERE account_id = ${clickhouseString(account)}`;
  let join = 'GLOBAL ANY LEFT JOIN';
  for (const side of sides) {
    const { alias, key } = ZONE_JOINS[side];
    // field-sql.ts reads the joined id too (an id missing from `zones` is "no zone").
    const zoneColumns = ['id', 'country', 'description'].map((col) => `\`${alias}.${col}\``);
    columns = [...columns, ...zoneColumns];
    const right = `(SELECT id AS ${key}, id AS ${zoneColumns[0]}, country AS ${zoneColumns[1]}, description AS ${zoneColumns[2]} FROM zones)`;
    from = `(SELECT ${columns.join(', ')} FROM ${from} ${join} ${right} USING ${key}${where})`;
    where = '';
    join = 'ANY LEFT JOIN';
  }
  return `${from} AS ${CALLS_ALIAS}`;
}

const QUANTILES = [0.9, 0.95, 0.99] as const;

/**
 * :TRICKY: ClickHouse's median/quantile are approximate, and quantileExact does not interpolate, so
 * each group's values are collected and sorted once (`ds`, `bs`) and the two closest ranks are
 * interpolated with DuckDB's quantile_cont formula: lo + (hi - lo) * (h - floor(h)), h = (n - 1) * p.
 * 18.16 has no GROUPING SETS/ROLLUP: per-bucket totals and per-group rows are two GROUP BYs in a
 * UNION ALL, whose branches must have identical column types.
 */
function aggregateStats(source: string, spec: StatsSpec): string {
  const inner = (grouped: boolean) =>
    [
      'bucket',
      grouped ? 'grp AS g' : 'CAST(NULL AS Nullable(String)) AS g',
      grouped ? 'toUInt8(0) AS is_total' : 'toUInt8(1) AS is_total',
      'count() AS total',
      'min(d) AS d_min',
      'max(d) AS d_max',
      'sum(d) AS d_sum',
      'arraySort(groupArray(d)) AS ds',
      ...(spec.answered ? ['count() - sum(u) AS answered', 'sum(if(u = 0, b, 0)) AS ab_sum'] : []),
      ...(spec.billing ? ['min(b) AS b_min', 'max(b) AS b_max', 'sum(b) AS b_sum', 'arraySort(groupArray(b)) AS bs'] : []),
      // uniqExact is exact (uniq is not) and skips NULLs; a leg without an interaction is its own call.
      // :TRICKY: over a group whose every i is NULL, 18.16's uniqExact answers NULL, not 0.
      ...(spec.calls ? ['ifNull(uniqExact(i), 0) + countIf(isNull(i)) AS calls'] : []),
    ].join(', ');
  const outer = [
    'bucket',
    'g AS grp',
    'is_total',
    'total',
    'd_min',
    'd_max',
    'd_sum',
    `${exactQuantile('ds', 0.5)} AS d_median`,
    ...(spec.percentiles ? QUANTILES.map((p) => `${exactQuantile('ds', p)} AS d_p${Math.round(p * 100)}`) : []),
    ...(spec.answered ? ['answered', 'ab_sum'] : []),
    ...(spec.billing ? ['b_min', 'b_max', 'b_sum', `${exactQuantile('bs', 0.5)} AS b_median`] : []),
    ...(spec.calls ? ['calls'] : []),
  ].join(', ');
  const byBucket = `SELECT ${inner(false)} FROM (${source}) GROUP BY bucket`;
  const rows = spec.grouped ? `${byBucket} UNION ALL SELECT ${inner(true)} FROM (${source}) GROUP BY bucket, grp` : byBucket;
  return `SELECT ${outer} FROM (${rows}) ORDER BY bucket, is_total DESC, grp`;
}

/** Exact quantile p of a sorted, non-empty array column, interpolated between the closest ranks. */
function exactQuantile(sorted: string, p: number): string {
  const h = `((length(${sorted}) - 1) * ${p})`;
  const lo = `toFloat64(${sorted}[toUInt64(floor(${h})) + 1])`;
  const hi = `toFloat64(${sorted}[toUInt64(ceil(${h})) + 1])`;
  return `(${lo} + (${hi} - ${lo}) * (${h} - floor(${h})))`;
}
