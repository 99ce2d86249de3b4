import type { ListValue, ScalarValue } from '../core/values.js';
/**
 * Filter AST: small immutable nodes, one interface per kind. Values are already typed and
 * converted (times are UTC epoch seconds), so the compiler never sees request text.
 */

/** Comparison operators that take one value or one other field. */
export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le';

/** Every entry must hold; an empty And holds for every call. */
export interface AndNode {
  readonly kind: 'AndNode';
  readonly children: readonly FilterNode[];
}

/** At least one entry must hold; an empty Or holds for no call. */
export interface OrNode {
  readonly kind: 'OrNode';
  readonly children: readonly FilterNode[];
}

/** `field op value`. */
export interface ComparisonNode {
  readonly kind: 'ComparisonNode';
  readonly field: string;
  readonly op: ComparisonOp;
  readonly value: ScalarValue;
}

/** `field op otherField` (flask-restless `{"field": G}`). */
export interface FieldComparisonNode {
  readonly kind: 'FieldComparisonNode';
  readonly field: string;
  readonly op: ComparisonOp;
  readonly otherField: string;
}

/** `field [NOT] IN (values)`; values are never empty. */
export interface InNode {
  readonly kind: 'InNode';
  readonly field: string;
  readonly op: 'in' | 'not_in';
  readonly values: ListValue;
}

/** `field IS [NOT] NULL`. */
export interface NullCheckNode {
  readonly kind: 'NullCheckNode';
  readonly field: string;
  readonly op: 'is_null' | 'is_not_null';
}

/** `field [I]LIKE pattern`, pattern already validated (`\` escapes only `%`, `_`, `\`). */
export interface LikeNode {
  readonly kind: 'LikeNode';
  readonly field: string;
  readonly op: 'like' | 'ilike';
  readonly pattern: string;
}

/** Any filter node. */
export type FilterNode = AndNode | OrNode | ComparisonNode | FieldComparisonNode | InNode | NullCheckNode | LikeNode;

/** Builds an And node. */
export const andNode = (children: readonly FilterNode[]): AndNode =>
  Object.freeze({ kind: 'AndNode', children: Object.freeze([...children]) });

/** Builds an Or node. */
export const orNode = (children: readonly FilterNode[]): OrNode =>
  Object.freeze({ kind: 'OrNode', children: Object.freeze([...children]) });

/** Builds a comparison with a value. */
export const comparisonNode = (field: string, op: ComparisonOp, value: ScalarValue): ComparisonNode =>
  Object.freeze({ kind: 'ComparisonNode', field, op, value });

/** Builds a comparison with another field. */
export const fieldComparisonNode = (field: string, op: ComparisonOp, otherField: string): FieldComparisonNode =>
  Object.freeze({ kind: 'FieldComparisonNode', field, op, otherField });

/** Builds a list membership test. */
export const inNode = (field: string, op: 'in' | 'not_in', values: ListValue): InNode =>
  Object.freeze({ kind: 'InNode', field, op, values: Object.freeze([...values]) as ListValue });

/** Builds a null check. */
export const nullCheckNode = (field: string, op: 'is_null' | 'is_not_null'): NullCheckNode =>
  Object.freeze({ kind: 'NullCheckNode', field, op });

/** Builds a LIKE/ILIKE test. */
export const likeNode = (field: string, op: 'like' | 'ilike', pattern: string): LikeNode =>
  Object.freeze({ kind: 'LikeNode', field, op, pattern });

/** Names of every field a filter reads (both sides of field comparisons). */
export function filterFields(node: FilterNode): Set<string> {
  const out = new Set<string>();
  // Iterative walk: the parser bounds depth, but this helper should not rely on it.
  const stack: FilterNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'AndNode' || n.kind === 'OrNode') stack.push(...n.children);
    else {
      out.add(n.field);
      if (n.kind === 'FieldComparisonNode') out.add(n.otherField);
    }
  }
  return out;
}
