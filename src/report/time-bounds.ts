import { andNode, comparisonNode, type AndNode, type FilterNode } from '../query/ast.js';
import { callTimeBounds } from '../query/call-time-bounds.js';

/**
 * First call_time any answer covers: 1970-01-01T00:00:00Z. SPEC 4 bounds a call's start to
 * 1970–2100; ingest enforces it, and every query is clamped to it as well, because calls stored
 * by other paths (or before ingest was bounded) may lie anywhere an Int64 reaches.
 */
export const CALL_TIME_MIN = 0;
/** Last call_time any answer covers: the second before 2100-01-01T00:00:00Z. */
export const CALL_TIME_MAX = 4102444800 - 1;

/** callTimeBounds clamped to [CALL_TIME_MIN, CALL_TIME_MAX]: lo > hi when nothing in range can match. */
export function clampedCallTimeBounds(filters: AndNode): [number, number] {
  const [lo, hi] = callTimeBounds(filters);
  return [Math.max(lo, CALL_TIME_MIN), Math.min(hi, CALL_TIME_MAX)];
}

/**
 * The filter with every top-level call_time order comparison moved inside the bounds (`>= 1900`
 * becomes `>= 1970`): the same calls in range match, none outside. Equalities are left alone (an
 * out-of-range one matches nothing in range, and callers answer that without asking the store).
 */
export function clampCallTimeFilters(filters: AndNode): AndNode {
  let changed = false;
  const children = filters.children.map((f): FilterNode => {
    if (f.kind !== 'ComparisonNode' || f.field !== 'call_time' || typeof f.value !== 'number') return f;
    const [min, max] =
      f.op === 'gt'
        ? [CALL_TIME_MIN - 1, CALL_TIME_MAX]
        : f.op === 'lt'
          ? [CALL_TIME_MIN, CALL_TIME_MAX + 1]
          : [CALL_TIME_MIN, CALL_TIME_MAX];
    if (f.op === 'eq' || f.op === 'ne' || (f.value >= min && f.value <= max)) return f;
    changed = true;
    return comparisonNode('call_time', f.op, Math.min(max, Math.max(min, f.value)));
  });
  return changed ? andNode(children) : filters;
}

/**
 * The filter, clamped, with `call_time >= lo` / `<= hi` added on each side it leaves open: what
 * a query that has no offset segments to respect (records pages, range probes) runs with.
 */
export function boundedCallTimeFilters(filters: AndNode, lo = CALL_TIME_MIN, hi = CALL_TIME_MAX): AndNode {
  const clamped = clampCallTimeFilters(filters);
  const [flo, fhi] = callTimeBounds(clamped);
  const extra = [
    ...(flo < lo ? [comparisonNode('call_time', 'ge', lo)] : []),
    ...(fhi > hi ? [comparisonNode('call_time', 'le', hi)] : []),
  ];
  return extra.length ? andNode([...clamped.children, ...extra]) : clamped;
}
