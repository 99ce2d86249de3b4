import { listValue } from '@duckdb/node-api';
import { assertIdentifier, type Dialect } from './dialect.js';
import { CALLS_ALIAS, zoneJoinSql } from './field-sql.js';

// :TRICKY: a list of numbers is bound as the TEXT of a BIGINT[] and cast by DuckDB. Binding a
// listValue converts item by item in JS (several times slower for a country's 100,000 zone ids)
// and types the list by its first item, so [1, 3000000000] would fail to bind. The text is built
// only from validated safe integers, so the cast cannot see anything else.
function integerListText(values: readonly number[]): string {
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new Error(`refusing non-integer SQL value ${String(v)}`);
  }
  return `[${values.join(',')}]`;
}

/** DuckDB: positional `$n` parameters, a list bound as one parameter. */
export const duckdbDialect: Dialect = {
  name: 'duckdb',
  value(value, params) {
    return `$${params.add(value)}`;
  },
  identifier(name) {
    return `"${assertIdentifier(name)}"`;
  },
  inList(expr, values, negated, params) {
    // A semi-join on the unnested list: hashing, not a scan of the list per row.
    const list =
      typeof values[0] === 'number'
        ? `CAST($${params.add(integerListText(values as readonly number[]))} AS BIGINT[])`
        : `$${params.add(listValue(values as readonly (string | boolean)[]))}`;
    return `${expr} ${negated ? 'NOT IN' : 'IN'} (SELECT unnest(${list}))`;
  },
  like(expr, pattern, caseInsensitive, params) {
    const x = caseInsensitive ? `lower(${expr})` : expr;
    // :TRICKY: a prepared pattern is a parameter, so DuckDB cannot rewrite LIKE '%SON%' into
    // contains() itself, and LIKE ... ESCAPE runs as like_escape(), ~2x slower over a year of
    // calls (docs/performance.md, "Round 3: the floor"). The forms below match exactly the same
    // rows: '%text%' (no wildcard or backslash inside) is contains(text), and a pattern without a
    // backslash needs no ESCAPE clause (DuckDB has no escape by default).
    const inner = /^%([^%_\\]+)%$/.exec(pattern);
    if (inner) {
      const p = `$${params.add(inner[1])}`;
      return `contains(${x}, ${caseInsensitive ? `lower(${p})` : p})`;
    }
    const p = `$${params.add(pattern)}`;
    const lp = caseInsensitive ? `lower(${p})` : p;
    // ClickHouse always treats `\` as an escape, so DuckDB is told to when the pattern has one.
    return pattern.includes('\\') ? `${x} LIKE ${lp} ESCAPE '\\'` : `${x} LIKE ${lp}`;
  },
  nullAsFalse(predicate) {
    return `COALESCE(${predicate}, FALSE)`;
  },
  booleanAsInteger(expr) {
    return `CAST(${expr} AS INTEGER)`;
  },
  csv: {
    text(expr) {
      // Mirrors csvField in src/report/csv.ts: a leading = + - @ TAB CR gets a ' unless the text is
      // a phone number; a field with " , CR or LF is quoted with "" doubling.
      // ascii() (the first character's code point, 0 for '') and contains() measured ~35 % and ~12 %
      // cheaper than left(…, 1) IN (…) and strpos() > 0 over a 222k-call export (docs/performance.md).
      const v = `(CASE WHEN ascii(${expr}) IN (61, 43, 45, 64, 9, 13) AND NOT regexp_full_match(${expr}, '\\+?[0-9]+') THEN concat('''', ${expr}) ELSE ${expr} END)`;
      const special = `(contains(${expr}, '"') OR contains(${expr}, ',') OR contains(${expr}, chr(13)) OR contains(${expr}, chr(10)))`;
      return `(CASE WHEN ${expr} IS NULL THEN '' WHEN ${special} THEN concat('"', replace(${v}, '"', '""'), '"') ELSE ${v} END)`;
    },
    number(expr) {
      return `COALESCE(CAST(${expr} AS VARCHAR), '')`;
    },
    formatLocal(local, pattern) {
      return `strftime(make_timestamp(CAST(${local} AS BIGINT) * 1000000), '${pattern}')`;
    },
  },
  groupKey(expr, type, nullable) {
    // :TRICKY: a COALESCE on a NOT NULL column (call_direction) is not folded away by DuckDB (the
    // `calls` view hides the constraint) and cost ~10 % of a whole-store grouped query's CPU
    // (docs/performance.md, "Round 4: the engine's SQL"); the value it would replace never occurs.
    return nullable && (type === 'text' || type === 'enum') ? `COALESCE(${expr}, 'null')` : expr;
  },
  intDiv(a, b) {
    return `(${a} // ${b})`;
  },
  monthStart(local) {
    // A naive TIMESTAMP (no zone) from local seconds: truncating it is plain calendar math.
    return `CAST(epoch(date_trunc('month', make_timestamp(CAST(${local} AS BIGINT) * 1000000))) AS BIGINT)`;
  },
  callsTables: ['calls_sorted', 'calls_tail'],
  callsFrom(joins, _account, table = 'calls') {
    // The account test stays in WHERE: DuckDB's optimiser pushes it below the joins itself.
    return `${duckdbDialect.identifier(table)} ${CALLS_ALIAS} ${zoneJoinSql(joins, duckdbDialect)}`.trim();
  },
  aggregateStats(source, spec) {
    // median() is markedly cheaper than a quantile list; the list costs one pass for four quantiles.
    const quantiles = spec.percentiles ? 'quantile_cont(d, [0.5, 0.9, 0.95, 0.99]) AS d_q' : 'median(d) AS d_q';
    const inner = [
      'bucket',
      spec.grouped ? 'grp' : 'NULL AS grp',
      spec.grouped ? 'CAST(GROUPING(grp) AS INTEGER) AS is_total' : '1 AS is_total',
      'count(*) AS total',
      'min(d) AS d_min',
      'max(d) AS d_max',
      'sum(d) AS d_sum',
      quantiles,
      ...(spec.answered ? ['count(*) - sum(u) AS answered', 'sum(CASE WHEN u = 0 THEN b ELSE 0 END) AS ab_sum'] : []),
      ...(spec.billing ? ['min(b) AS b_min', 'max(b) AS b_max', 'sum(b) AS b_sum', 'quantile_cont(b, 0.5) AS b_median'] : []),
      // A leg without an interaction is its own call: count(*) - count(i) counts those.
      ...(spec.calls ? ['count(DISTINCT i) + count(*) - count(i) AS calls'] : []),
    ];
    const groupBy = spec.grouped ? 'GROUPING SETS ((bucket), (bucket, grp))' : 'bucket';
    const outer = [
      'bucket',
      'grp',
      'is_total',
      'total',
      'd_min',
      'd_max',
      'd_sum',
      spec.percentiles ? 'd_q[1] AS d_median' : 'd_q AS d_median',
      ...(spec.percentiles ? ['d_q[2] AS d_p90', 'd_q[3] AS d_p95', 'd_q[4] AS d_p99'] : []),
      ...(spec.answered ? ['answered', 'ab_sum'] : []),
      ...(spec.billing ? ['b_min', 'b_max', 'b_sum', 'b_median'] : []),
      ...(spec.calls ? ['calls'] : []),
    ];
    return `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM (${source}) s GROUP BY ${groupBy}) a ORDER BY bucket, is_total DESC, grp`;
  },
};
