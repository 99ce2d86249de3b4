/** Coded errors: every failure the API can report is a value with a code, an HTTP status and details. */
export class CallstatsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Exactly what was wrong and where, e.g. `{ q: { 'filters[1].op': "unknown operator 'equalz'" } }`. */
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CallstatsError';
  }
}

/** 400 for a malformed query: `path` names the offending spot inside `q` (e.g. `filters[2].or[0].op`). */
export function queryError(code: string, path: string, reason: string): CallstatsError {
  return new CallstatsError(code, 'invalid query', 400, { q: { [path]: reason } });
}

export function badRequest(code: string, message: string, data: Record<string, unknown> = {}): CallstatsError {
  return new CallstatsError(code, message, 400, data);
}

/** 503: the store cannot be reached, did not answer in time, or is shutting down; `reason` says which. */
export function storeUnavailable(reason: string, data: Record<string, unknown> = {}): CallstatsError {
  return new CallstatsError('ERR_STORE_UNAVAILABLE', 'store unavailable', 503, { store: reason, ...data });
}

/** 503 after `CALLSTATS_QUERY_TIMEOUT`: the store did not answer in time. */
export function storeTimeout(seconds: number): CallstatsError {
  return new CallstatsError('ERR_STORE_TIMEOUT', 'store did not answer in time', 503, {
    store: `no answer within ${seconds} s (CALLSTATS_QUERY_TIMEOUT)`,
  });
}

/** 507: the store's disk is full; nothing of the failed write was stored. */
export function storeFull(reason: string): CallstatsError {
  return new CallstatsError('ERR_STORE_FULL', 'store out of disk space', 507, { store: reason });
}
