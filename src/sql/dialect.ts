import type { ListValue, ScalarValue } from '../core/values.js';
import type { FieldType } from '../query/fields.js';
import type { ZoneJoins } from './field-sql.js';
import type { ParamCollector } from './params.js';

/**
 * The hooks in which engines differ. There is one compiler (compile-filter.ts, stats-sql.ts,
 * records-sql.ts); a dialect only says how to write a value, a name, a list test, a LIKE, a null-safe
 * predicate, a little integer and calendar math, the FROM clause with its zone joins, and the
 * aggregation with exact interpolated quantiles.
 */
export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse';
  /** SQL text standing for one value: a placeholder whose value joins `params`, or a safe literal. */
  value(value: ScalarValue, params: ParamCollector): string;
  /** Quotes an identifier. Only registry names reach it; anything but `[A-Za-z_][A-Za-z0-9_]*` throws. */
  identifier(name: string): string;
  /** `expr IN (values)` / `expr NOT IN (values)`; values are non-empty and NULL-free. */
  inList(expr: string, values: ListValue, negated: boolean, params: ParamCollector): string;
  /** `expr LIKE pattern` where `\` escapes `%`, `_` and `\`; caseInsensitive lowers both sides. */
  like(expr: string, pattern: string, caseInsensitive: boolean, params: ParamCollector): string;
  /** The predicate, with NULL turned into false so it never leaks into AND/OR. */
  nullAsFalse(predicate: string): string;
  /** A boolean column as integer 0/1 (group keys are "0"/"1"). */
  booleanAsInteger(expr: string): string;
  /** Integer division of two integer expressions whose quotient is exact or truncated toward zero. */
  intDiv(a: string, b: string): string;
  /** Local seconds of the first of the month 00:00 for an expression of local seconds (UTC calendar math, no zone). */
  monthStart(localSeconds: string): string;
  /**
   * The FROM clause: the calls table as `c`, with the zone joins `joins` asks for, under which field
   * expressions can read `zr.country`, `zr.description` (caller) and `ze.*` (callee). `account`, when
   * given, is also in the WHERE clause; an engine may apply it before joining. `table`, one of
   * `callsTables`, reads that table alone instead of the `calls` view.
   */
  callsFrom(joins: ZoneJoins, account: string | undefined, table?: string): string;
  /**
   * The tables behind `calls` when it is a view (DuckDB, schema 4: sorted calls and the tail):
   * min/max over a view is a scan, over each table it comes from column statistics.
   */
  callsTables?: readonly string[];
  /**
   * The grouping expression of a field of `type`: its own type where the engine groups faster on it,
   * with a missing text/enum value as 'null' (statistics.ts makes the API's key text from either).
   * `nullable` false (the registry's NOT NULL fields) says the value is never missing.
   */
  groupKey(expr: string, type: FieldType | undefined, nullable: boolean): string;
  /** Optional engine-side CSV lines. */
  readonly csv?: CsvHooks;
  /** The aggregation over a statistics source (stats-sql.ts says its columns and the rows it must return). */
  aggregateStats(source: string, spec: StatsSpec): string;
}

/** Engine-side CSV formatting (csv-sql.ts); an engine without it exports through csv.ts instead. */
export interface CsvHooks {
  /** A text column as one CSV field: '' for NULL, formula neutralisation, RFC 4180 quoting. */
  text(expr: string): string;
  /** A number column as one CSV field: '' for NULL. */
  number(expr: string): string;
  /** Local seconds formatted with a strftime pattern (%Y %m %d %H %M %S). */
  formatLocal(localSeconds: string, pattern: string): string;
}

/** What an aggregation must compute, besides count, min, max, sum and the median of `d`. */
export interface StatsSpec {
  /** A grouping was asked for: rows per (bucket, grp) and per bucket (is_total = 1). */
  grouped: boolean;
  /** answered count and billing sum of answered calls. */
  answered: boolean;
  /** min, max, sum and median of `b`. */
  billing: boolean;
  /** p90, p95, p99 of `d`. */
  percentiles: boolean;
  /** Distinct calls: distinct non-null `i` (interaction id) plus the rows whose `i` is NULL. */
  calls: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws unless `name` is a plain identifier: a guard, since names only come from the registry. */
export function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`refusing SQL identifier ${JSON.stringify(name)}`);
  return name;
}
