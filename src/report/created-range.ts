import { GREGORIAN_UNIX_OFFSET } from '../core/call.js';
import { CallstatsError } from '../core/errors.js';
import { andNode, comparisonNode } from '../query/ast.js';
import type { ParsedQuery } from '../query/parse-query.js';

/** Kazoo crossbar's range parameters (gregorian seconds), as a Kazoo client sends them in the query string. */
export const CREATED_RANGE_PARAMETERS = ['created_from', 'created_to'] as const;

/** Gregorian seconds of 2100-01-01T00:00:00Z: nothing later is a call start (SPEC 4). */
const MAX_GREGORIAN = Date.UTC(2100, 0, 1) / 1000 + GREGORIAN_UNIX_OFFSET;

function bad(parameter: string, why: string): CallstatsError {
  return new CallstatsError('ERR_CREATED_RANGE', `invalid ${parameter}`, { [parameter]: why });
}

/** One parameter as Unix seconds, or undefined when absent; a 400 naming it otherwise. */
function gregorian(raw: unknown, parameter: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (Array.isArray(raw)) throw bad(parameter, 'given more than once');
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (!/^[0-9]{1,15}$/.test(text)) {
    throw bad(
      parameter,
      `gregorian seconds (Kazoo's timestamps, Unix seconds + ${GREGORIAN_UNIX_OFFSET}), not '${String(raw).slice(0, 40)}'`,
    );
  }
  const g = Number(text);
  if (g < GREGORIAN_UNIX_OFFSET || g >= MAX_GREGORIAN) {
    throw bad(parameter, `gregorian seconds from ${GREGORIAN_UNIX_OFFSET} (1970) to ${MAX_GREGORIAN - 1} (2099); Unix seconds?`);
  }
  return g - GREGORIAN_UNIX_OFFSET;
}

/**
 * The query with Kazoo's `created_from` / `created_to` (crossbar's `/cdrs` range, gregorian seconds,
 * both inclusive) added to its filters as `call_time >= from` and `call_time <= to`: ANDed with `q`'s
 * own filters, so both narrow. They bound the call start, the instant callstats keys calls by
 * (docs/kazoo-calls.md). Without either parameter the query is returned unchanged.
 */
export function withCreatedRange(query: ParsedQuery, params: Record<string, unknown>): ParsedQuery {
  const from = gregorian(params.created_from, 'created_from');
  const to = gregorian(params.created_to, 'created_to');
  if (from === undefined && to === undefined) return query;
  if (from !== undefined && to !== undefined && from > to) {
    throw new CallstatsError('ERR_CREATED_RANGE', 'invalid created_from', { created_from: 'later than created_to' });
  }
  const extra = [
    ...(from === undefined ? [] : [comparisonNode('call_time', 'ge', from)]),
    ...(to === undefined ? [] : [comparisonNode('call_time', 'le', to)]),
  ];
  return { ...query, filters: andNode([...query.filters.children, ...extra]) };
}
