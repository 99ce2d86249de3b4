import type { ListValue, ScalarValue } from '../query/ast.js';
import type { ParamCollector } from './params.js';

/**
 * The hooks in which engines differ. There is one compiler (compile-filter.ts); a dialect only
 * says how to write a value, a name, a list test, a LIKE and a null-safe predicate.
 *
 * Hooks still to come, with the aggregation compiler: `bucket(expr, period, timezone)` (local
 * bucket start of a UTC instant) and `median(expr)` / `quantile(expr, p)` (exact, interpolated).
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
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws unless `name` is a plain identifier: a guard, since names only come from the registry. */
export function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`refusing SQL identifier ${JSON.stringify(name)}`);
  return name;
}
