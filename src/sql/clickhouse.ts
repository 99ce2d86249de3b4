import { CALL_COLUMNS } from '../core/call.js';
import { ZONE_JOINS } from '../query/fields.js';
import { clickhouseLiteral, clickhouseString, clickhouseTuple } from '../store/clickhouse/literal.js';
import { assertIdentifier, type Dialect } from './dialect.js';
import { aggregateStats } from './clickhouse-stats.js';
import { CALLS_ALIAS } from './field-sql.js';

/** What a ClickHouse release can do beyond 18.16, by version (docs/clickhouse.md, "Version gates"). */
export interface ClickHouseFeatures {
  /** `GROUP BY GROUPING SETS` (22.6+): per-bucket totals and per-group rows in one pass over the source. */
  groupingSets: boolean;
  /** `quantilesExactInclusive` (20.12+): exact interpolated quantiles without collecting sorted arrays. */
  exactInclusive: boolean;
}

/** Features of the server whose `version()` is `version`; none (the 18.16 forms) when unknown. */
export function clickhouseFeatures(version: string | undefined): ClickHouseFeatures {
  const [major = 0, minor = 0] = (version ?? '').split('.').map(Number);
  const atLeast = (a: number, b: number) => major > a || (major === a && minor >= b);
  return { groupingSets: atLeast(22, 6), exactInclusive: atLeast(20, 12) };
}

const dialects = new Map<string, Dialect>();

/** The ClickHouse dialect for a server of `version` (`SELECT version()`); the 18.16 forms when unknown. */
export function clickhouseDialectFor(version: string | undefined): Dialect {
  const features = clickhouseFeatures(version);
  const key = `${features.groupingSets}/${features.exactInclusive}`;
  let dialect = dialects.get(key);
  if (!dialect) {
    dialect = { ...clickhouseDialect, aggregateStats: (source, spec) => aggregateStats(source, spec, features) };
    dialects.set(key, dialect);
  }
  return dialect;
}

/**
 * `ilike`'s lower case on ClickHouse: `lowerUTF8`, with `İ` (U+0130) made `i` first. 26.x lowers
 * `İ` with the full mapping (`i` + U+0307, two code points) and 18.16 leaves it, where DuckDB and
 * the contract (docs/filters.md) take the simple mapping, `i`: without this, `ilike 'istanbul%'`
 * missed `İstanbul` on ClickHouse alone. U+0130 is the one letter whose full lower case is not its
 * simple one outside a context rule, so this is the whole of that difference.
 */
export function clickhouseLower(expr: string): string {
  return `lowerUTF8(replaceAll(${expr}, 'İ', 'i'))`;
}

/**
 * ClickHouse, 18.16 up to current, in the forms 18.16 runs (clickhouseDialectFor gates newer ones).
 * 18.16 has no server-side parameters, so values are rendered as escaped typed literals
 * (store/clickhouse/literal.ts) and `params` stays empty.
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
    // 18.16 has no ilike; lowering both sides is the portable spelling. LIKE's own `\` escape
    // sits inside the string literal, whose escaping doubles it, so the pattern arrives intact.
    const p = clickhouseString(pattern);
    return caseInsensitive ? `${clickhouseLower(expr)} LIKE ${clickhouseLower(p)}` : `${expr} LIKE ${p}`;
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
    return aggregateStats(source, spec, clickhouseFeatures(undefined));
  },
};

/**
 * :TRICKY: 18.16 allows one JOIN per SELECT, only `ANY|ALL LEFT|INNER JOIN ... USING`. So each zone
 * side is joined in its own nested SELECT. The joined subquery carries an alias (`… AS zr_zones`):
 * 18.16 accepts one on a subquery (not on a plain table), and every release since ~20.3 requires it
 * (`joined_subquery_requires_alias`, Code 206 ALIAS_REQUIRED), on the left side too when that is the
 * first side's subquery (`… AS zr_calls`). It is not `zr` itself, so that
 * `zr.country` never reads as "column country of table zr". The zone columns
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
    from = `(SELECT ${columns.join(', ')} FROM ${from} ${join} ${right} AS ${alias}_zones USING ${key}${where}) AS ${alias}_calls`;
    where = '';
    join = 'ANY LEFT JOIN';
  }
  // The outermost alias is `c`, the one field expressions read.
  return `${from.slice(0, from.lastIndexOf(' AS '))} AS ${CALLS_ALIAS}`;
}
