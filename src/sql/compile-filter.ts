import type { ComparisonOp, FilterNode, InNode, LikeNode } from '../query/ast.js';
import { filterFields } from '../query/ast.js';
import type { CompiledSql } from '../store/store.js';
import type { Dialect } from './dialect.js';
import { fieldSql, knownField, zoneSideOf, type ZoneJoins } from './field-sql.js';
import { ParamCollector } from './params.js';

const SQL_OPS: Readonly<Record<ComparisonOp, string>> = { eq: '=', ne: '<>', gt: '>', lt: '<', ge: '>=', le: '<=' };

// Portable constant predicates: ClickHouse 18.16 has no TRUE/FALSE literals.
const ALWAYS = '1 = 1';
const NEVER = '1 = 0';

/**
 * Compiles a filter to a WHERE-clause expression; values go through the dialect (parameters or
 * escaped literals). The result is safe to combine with AND: every OR is parenthesised.
 */
export function compileFilter(node: FilterNode, dialect: Dialect, params: ParamCollector): string {
  switch (node.kind) {
    case 'AndNode': {
      if (node.children.length === 0) return ALWAYS;
      return node.children.map((c) => compileFilter(c, dialect, params)).join(' AND ');
    }
    case 'OrNode': {
      if (node.children.length === 0) return NEVER;
      const parts = node.children.map((c) => {
        const sql = compileFilter(c, dialect, params);
        return c.kind === 'AndNode' && c.children.length > 1 ? `(${sql})` : sql;
      });
      return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
    }
    case 'NullCheckNode':
      return `${fieldSql(node.field, dialect)} ${node.op === 'is_null' ? 'IS NULL' : 'IS NOT NULL'}`;
    case 'ComparisonNode':
      return guard(node.field, dialect, `${fieldSql(node.field, dialect)} ${SQL_OPS[node.op]} ${dialect.value(node.value, params)}`);
    case 'FieldComparisonNode': {
      const sql = `${fieldSql(node.field, dialect)} ${SQL_OPS[node.op]} ${fieldSql(node.otherField, dialect)}`;
      return knownField(node.otherField).nullable ? dialect.nullAsFalse(sql) : guard(node.field, dialect, sql);
    }
    case 'InNode':
      return compileIn(node, dialect, params);
    case 'LikeNode':
      return compileLike(node, dialect, params);
  }
}

// :TRICKY: old ClickHouse computes AND/OR with a NULL operand as NULL (no three-valued logic),
// so `NULL OR 1` would drop a row DuckDB keeps. Every predicate on a nullable field is therefore
// forced to a plain true/false: NULL never matches, and AND/OR then agree on both engines.
function guard(field: string, dialect: Dialect, predicate: string): string {
  return knownField(field).nullable ? dialect.nullAsFalse(predicate) : predicate;
}

function compileIn(node: InNode, dialect: Dialect, params: ParamCollector): string {
  const expr = fieldSql(node.field, dialect);
  const negated = node.op === 'not_in';
  const test = dialect.inList(expr, node.values, negated, params);
  if (!knownField(node.field).nullable) return test;
  // NULL NOT IN (...) is not reliably NULL on old ClickHouse versions; state the rule explicitly.
  return dialect.nullAsFalse(negated ? `${expr} IS NOT NULL AND ${test}` : test);
}

function compileLike(node: LikeNode, dialect: Dialect, params: ParamCollector): string {
  return guard(node.field, dialect, dialect.like(fieldSql(node.field, dialect), node.pattern, node.op === 'ilike', params));
}

/** Compiles a filter with fresh parameters: `{sql, params}` ready for the store. */
export function compileWhere(node: FilterNode, dialect: Dialect): CompiledSql {
  const params = new ParamCollector();
  const sql = compileFilter(node, dialect, params);
  return { sql, params: params.values };
}

/** Which zone joins (caller `zr`, callee `ze`) a filter and an optional grouping field need. */
export function requiredZoneJoins(node: FilterNode | undefined, grouping?: string): ZoneJoins {
  const names = node ? filterFields(node) : new Set<string>();
  if (grouping !== undefined) names.add(grouping);
  const sides = new Set([...names].map(zoneSideOf));
  return { caller: sides.has('caller'), callee: sides.has('callee') };
}
