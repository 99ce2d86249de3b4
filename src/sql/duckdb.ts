import { listValue } from '@duckdb/node-api';
import { assertIdentifier, type Dialect } from './dialect.js';
import type { ParamCollector } from './params.js';

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
    const list = typeof values[0] === 'number'
      ? `CAST($${params.add(integerListText(values as readonly number[]))} AS BIGINT[])`
      : `$${params.add(listValue(values as readonly (string | boolean)[]))}`;
    return `${expr} ${negated ? 'NOT IN' : 'IN'} (SELECT unnest(${list}))`;
  },
  like(expr, pattern, caseInsensitive, params) {
    // DuckDB has no LIKE escape by default; ClickHouse always treats `\` as one, so DuckDB is told to.
    const p = `$${params.add(pattern)}`;
    return caseInsensitive ? `lower(${expr}) LIKE lower(${p}) ESCAPE '\\'` : `${expr} LIKE ${p} ESCAPE '\\'`;
  },
  nullAsFalse(predicate) {
    return `COALESCE(${predicate}, FALSE)`;
  },
  booleanAsInteger(expr) {
    return `CAST(${expr} AS INTEGER)`;
  },
};
