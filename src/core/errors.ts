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
