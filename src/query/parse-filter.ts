import { queryError } from '../core/errors.js';
import { andNode, comparisonNode, fieldComparisonNode, inNode, likeNode, nullCheckNode, orNode } from './ast.js';
import type { AndNode, ComparisonOp, FilterNode } from './ast.js';
import { getField, type FieldDef } from './fields.js';
import { isRelationOp, lookupOp, type OpDef } from './operators.js';
import { coerceList, coercePattern, coerceValue, echo, type ValueContext } from './parse-value.js';

/** Deepest nesting of `and`/`or` accepted; deeper input is a 400, never a stack overflow. */
export const MAX_FILTER_DEPTH = 32;
/** Most filter entries (counting nested ones) in one query. */
export const MAX_FILTER_ENTRIES = 10_000;
/** Default longest `in`/`not_in` list: a whole country can be tens of thousands of zone ids. */
export const MAX_IN_LIST = 200_000;

/** What filter parsing needs: value coercion plus the list limit. */
export interface FilterContext extends ValueContext {
  readonly maxInList: number;
}

const COMPARISON_KEYS: ReadonlySet<string> = new Set(['name', 'op', 'val', 'field']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
// Own properties only: a key like `constructor` must not be read from Object.prototype.
const own = (o: Json, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);
const shape = (path: string, reason: string) => queryError('ERR_FILTER_SHAPE', path, reason);

/** Parses the `filters` list into an And node; throws queryError with the path of the first fault. */
export function parseFilters(raw: unknown, ctx: FilterContext): AndNode {
  if (raw === undefined || raw === null) return andNode([]);
  if (!Array.isArray(raw)) throw shape('filters', 'expected a list');
  const state = { ctx, entries: 0 };
  return andNode(raw.map((entry, i) => parseEntry(entry, `filters[${i}]`, 1, state)));
}

interface State {
  readonly ctx: FilterContext;
  entries: number;
}

function parseEntry(raw: unknown, path: string, depth: number, state: State): FilterNode {
  if (++state.entries > MAX_FILTER_ENTRIES) {
    throw queryError('ERR_FILTER_LIMIT', path, `at most ${MAX_FILTER_ENTRIES} filter entries`);
  }
  if (!isObject(raw)) throw shape(path, 'expected an object');
  const keys = Object.keys(raw);
  if (keys.includes('or') || keys.includes('and')) return parseGroup(raw, keys, path, depth, state);
  const unknown = keys.find((k) => !COMPARISON_KEYS.has(k));
  if (unknown !== undefined) throw shape(`${path}.${unknown}`, `unknown key ${echo(unknown)}`);
  return parseComparison(raw, path, state.ctx);
}

function parseGroup(raw: Json, keys: string[], path: string, depth: number, state: State): FilterNode {
  const kind = keys.includes('or') ? 'or' : 'and';
  const extra = keys.find((k) => k !== kind);
  if (extra !== undefined) throw shape(`${path}.${extra}`, `an '${kind}' entry takes no other key`);
  const list = own(raw, kind);
  const listPath = `${path}.${kind}`;
  if (!Array.isArray(list)) throw shape(listPath, 'expected a list');
  if (depth >= MAX_FILTER_DEPTH) {
    throw queryError('ERR_FILTER_LIMIT', listPath, `filters nest at most ${MAX_FILTER_DEPTH} levels deep`);
  }
  const children = list.map((entry, i) => parseEntry(entry, `${listPath}[${i}]`, depth + 1, state));
  return kind === 'or' ? orNode(children) : andNode(children);
}

function parseComparison(raw: Json, path: string, ctx: FilterContext): FilterNode {
  const field = parseFieldName(own(raw, 'name'), `${path}.name`);
  const op = parseOp(own(raw, 'op'), `${path}.op`, field);
  const hasVal = own(raw, 'val') !== undefined;
  const hasField = own(raw, 'field') !== undefined;
  if (hasVal && hasField) throw shape(`${path}.field`, "give either 'val' or 'field', not both");
  if (hasField) return parseFieldOperand(field, op, own(raw, 'field'), `${path}.field`);
  const valPath = `${path}.val`;
  const val = own(raw, 'val');
  switch (op.arity) {
    case 'none':
      // `"val": null` is tolerated because some clients always send the key.
      if (val !== undefined && val !== null) throw queryError('ERR_FILTER_VALUE', valPath, `${op.op} takes no val`);
      return nullCheckNode(field.name, op.op as 'is_null' | 'is_not_null');
    case 'list':
      if (!hasVal) throw queryError('ERR_FILTER_VALUE', valPath, 'missing val');
      return inNode(field.name, op.op as 'in' | 'not_in', coerceList(field, val, valPath, ctx, ctx.maxInList));
    case 'pattern':
      if (!hasVal) throw queryError('ERR_FILTER_VALUE', valPath, 'missing val');
      return likeNode(field.name, op.op as 'like' | 'ilike', coercePattern(val, valPath));
    case 'value':
      if (!hasVal) throw queryError('ERR_FILTER_VALUE', valPath, 'missing val');
      return comparisonNode(field.name, op.op as ComparisonOp, coerceValue(field, val, valPath, ctx));
  }
}

function parseFieldName(raw: unknown, path: string): FieldDef {
  if (raw === undefined || raw === null) throw shape(path, 'missing field name');
  if (typeof raw !== 'string') throw shape(path, 'expected a field name');
  const field = getField(raw);
  if (!field) throw queryError('ERR_FILTER_UNKNOWN_FIELD', path, `unknown field ${echo(raw)}`);
  return field;
}

function parseOp(raw: unknown, path: string, field: FieldDef): OpDef {
  if (raw === undefined || raw === null) throw shape(path, 'missing operator');
  if (typeof raw !== 'string') throw queryError('ERR_FILTER_UNKNOWN_OP', path, 'expected an operator name');
  if (isRelationOp(raw)) {
    throw queryError('ERR_FILTER_OP', path, `operator '${raw}' needs a relation; there are no relations here`);
  }
  const op = lookupOp(raw);
  if (!op) throw queryError('ERR_FILTER_UNKNOWN_OP', path, `unknown operator ${echo(raw)}`);
  if (!op.types.includes(field.type)) {
    throw queryError('ERR_FILTER_OP', path, `operator '${raw}' does not apply to ${field.type} field '${field.name}'`);
  }
  return op;
}

function parseFieldOperand(field: FieldDef, op: OpDef, raw: unknown, path: string): FilterNode {
  if (!op.fieldOperand) throw queryError('ERR_FILTER_FIELD', path, `operator '${op.op}' cannot compare with a field`);
  if (typeof raw !== 'string') throw queryError('ERR_FILTER_FIELD', path, 'expected a field name');
  const other = getField(raw);
  if (!other) throw queryError('ERR_FILTER_UNKNOWN_FIELD', path, `unknown field ${echo(raw)}`);
  if (!comparable(field, other)) {
    throw queryError(
      'ERR_FILTER_FIELD',
      path,
      `cannot compare ${field.type} field '${field.name}' with ${other.type} field '${other.name}'`,
    );
  }
  return fieldComparisonNode(field.name, op.op as ComparisonOp, other.name);
}

// Fields compare when their values live in the same domain: same type, and the same values for enums.
function comparable(a: FieldDef, b: FieldDef): boolean {
  if (a.type !== b.type) return false;
  if (a.type !== 'enum') return true;
  return (a.values ?? []).join('\u0000') === (b.values ?? []).join('\u0000');
}
