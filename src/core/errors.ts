import { statusOf, type ErrorCode } from './error-codes.js';

/**
 * Coded errors: every failure the API can report is a value with a code and details. The code
 * says what failed; its HTTP status comes from the one table in `error-codes.ts`.
 */
export class CallstatsError extends Error {
  /** The HTTP status of `code` (ERROR_STATUS). */
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Exactly what was wrong and where, e.g. `{ q: { 'filters[1].op': "unknown operator 'equalz'" } }`. */
    readonly data: Record<string, unknown> = {},
    /** For a forwarded code (`ERR_REMOTE`, `ERR_REQUEST`): the status the other side answered. */
    upstreamStatus?: number,
  ) {
    super(message);
    this.name = 'CallstatsError';
    this.status = statusOf(code, upstreamStatus);
  }
}

/** 400 for a malformed query: `path` names the offending spot inside `q` (e.g. `filters[2].or[0].op`). */
export function queryError(code: ErrorCode, path: string, reason: string): CallstatsError {
  return new CallstatsError(code, 'invalid query', { q: { [path]: reason } });
}

export function badRequest(code: ErrorCode, message: string, data: Record<string, unknown> = {}): CallstatsError {
  return new CallstatsError(code, message, data);
}

/** 503: the store cannot be reached, did not answer in time, or is shutting down; `reason` says which. */
export function storeUnavailable(reason: string, data: Record<string, unknown> = {}): CallstatsError {
  return new CallstatsError('ERR_STORE_UNAVAILABLE', 'store unavailable', { store: reason, ...data });
}

/** 503 after `CALLSTATS_QUERY_TIMEOUT`: the store did not answer in time. */
export function storeTimeout(seconds: number): CallstatsError {
  return new CallstatsError('ERR_STORE_TIMEOUT', 'store did not answer in time', {
    store: `no answer within ${seconds} s (CALLSTATS_QUERY_TIMEOUT)`,
  });
}

/** 507: the store's disk is full; nothing of the failed write was stored. */
export function storeFull(reason: string): CallstatsError {
  return new CallstatsError('ERR_STORE_FULL', 'store out of disk space', { store: reason });
}
