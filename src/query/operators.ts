import type { FieldType } from './fields.js';

/** The canonical operators every alias maps to. */
export type CanonicalOp = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'in' | 'not_in' | 'is_null' | 'is_not_null' | 'like' | 'ilike';

/** What an operator takes: one value, a list, a LIKE pattern, or nothing. */
export type OpArity = 'value' | 'list' | 'pattern' | 'none';

/** Canonical operator → what it takes and which field types it applies to. */
export interface OpDef {
  readonly op: CanonicalOp;
  readonly arity: OpArity;
  readonly types: readonly FieldType[];
  /** Whether `{"field": G}` may replace `val` (only plain comparisons). */
  readonly fieldOperand: boolean;
}

const ALL: readonly FieldType[] = ['time', 'enum', 'integer', 'text', 'boolean'];
// Order only makes sense on ordered values; `inbound < outbound` or `false < true` would be
// an accident of encoding, and the two engines store booleans differently (BOOLEAN vs UInt8).
const ORDERED: readonly FieldType[] = ['time', 'integer', 'text'];

const OPS: readonly OpDef[] = [
  { op: 'eq', arity: 'value', types: ALL, fieldOperand: true },
  { op: 'ne', arity: 'value', types: ALL, fieldOperand: true },
  { op: 'gt', arity: 'value', types: ORDERED, fieldOperand: true },
  { op: 'lt', arity: 'value', types: ORDERED, fieldOperand: true },
  { op: 'ge', arity: 'value', types: ORDERED, fieldOperand: true },
  { op: 'le', arity: 'value', types: ORDERED, fieldOperand: true },
  { op: 'in', arity: 'list', types: ALL, fieldOperand: false },
  { op: 'not_in', arity: 'list', types: ALL, fieldOperand: false },
  { op: 'is_null', arity: 'none', types: ALL, fieldOperand: false },
  { op: 'is_not_null', arity: 'none', types: ALL, fieldOperand: false },
  { op: 'like', arity: 'pattern', types: ['text'], fieldOperand: false },
  { op: 'ilike', arity: 'pattern', types: ['text'], fieldOperand: false },
];

/** Every alias of SPEC 3.2, one line per canonical operator. */
const ALIASES: Readonly<Record<CanonicalOp, readonly string[]>> = {
  eq: ['==', 'eq', 'equals', 'equal_to', 'equals_to'],
  ne: ['!=', 'ne', 'neq', 'does_not_equal', 'not_equal_to'],
  gt: ['>', 'gt'],
  lt: ['<', 'lt'],
  ge: ['>=', 'ge', 'gte', 'geq'],
  le: ['<=', 'le', 'lte', 'leq'],
  in: ['in'],
  not_in: ['not_in'],
  is_null: ['is_null'],
  is_not_null: ['is_not_null'],
  like: ['like'],
  ilike: ['ilike'],
};

/** flask-restless operators that need relations, which callstats does not have. */
const RELATION_OPS: ReadonlySet<string> = new Set(['has', 'any']);

const BY_ALIAS: ReadonlyMap<string, OpDef> = new Map(OPS.flatMap((d) => ALIASES[d.op].map((alias) => [alias, d] as const)));
const BY_OP: ReadonlyMap<CanonicalOp, OpDef> = new Map(OPS.map((d) => [d.op, d]));

/** The operator an alias stands for, or undefined when the alias is unknown. */
export function lookupOp(alias: string): OpDef | undefined {
  return BY_ALIAS.get(alias);
}

/** The definition of a canonical operator. */
export function opDef(op: CanonicalOp): OpDef {
  return BY_OP.get(op)!;
}

/** True for `has`/`any`: known flask-restless operators that callstats rejects on purpose. */
export function isRelationOp(alias: string): boolean {
  return RELATION_OPS.has(alias);
}

/** Every accepted alias with its canonical operator, for docs and tests. */
export function allAliases(): ReadonlyArray<readonly [string, CanonicalOp]> {
  return [...BY_ALIAS].map(([alias, d]) => [alias, d.op] as const);
}
