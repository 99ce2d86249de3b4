import type { AndNode } from './ast.js';

/**
 * The [lowest, highest] call_time the filter allows, from its top-level AND of call_time
 * comparisons; anything else (an OR, a field comparison) leaves the side open.
 */
export function callTimeBounds(filters: AndNode): [number, number] {
  let lo = -Infinity;
  let hi = Infinity;
  for (const f of filters.children) {
    if (f.kind !== 'ComparisonNode' || f.field !== 'call_time' || typeof f.value !== 'number') continue;
    const v = f.value;
    if (f.op === 'ge' || f.op === 'eq') lo = Math.max(lo, v);
    if (f.op === 'gt') lo = Math.max(lo, v + 1);
    if (f.op === 'le' || f.op === 'eq') hi = Math.min(hi, v);
    if (f.op === 'lt') hi = Math.min(hi, v - 1);
  }
  return [lo, hi];
}
