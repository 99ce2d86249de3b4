/**
 * Every error code callstats raises, and the HTTP status it answers with: the one table that
 * maps what failed to a status (SPEC 2.1). Code that fails names the code only; the API envelope
 * (`api/envelope.ts`) and the CLI's exit codes (`cli/main.ts`) read the status from here. It sits
 * in core/ because every layer raises these codes and `CallstatsError.status` is derived from it.
 * `'upstream'`: the status another server answered (a forwarded error), kept as it came.
 */
export const ERROR_STATUS = {
  // the request: 400
  ERR_BAD_REQUEST: 400,
  ERR_BAD_URL: 400,
  ERR_BODY: 400,
  ERR_BODY_CUT: 400,
  ERR_CDR: 400,
  ERR_VALIDATION: 400,
  ERR_RPC: 400,
  ERR_PERIOD: 400,
  ERR_PAGE_SIZE: 400,
  ERR_START_KEY: 400,
  ERR_CREATED_RANGE: 400,
  ERR_TOO_MANY_BUCKETS: 400,
  ERR_UNKNOWN_COUNTRY: 400,
  ERR_PULL_RANGE: 400,
  ERR_ACCOUNT_ID: 400,
  // the command line (never HTTP): a bad flag or value, a file that cannot be read (exit 2, docs/cli.md)
  ERR_USAGE: 400,
  ERR_FILE: 400,
  // a CALLSTATS_* setting the CLI was started with is malformed
  ERR_CONFIG: 400,
  // backup/restore: the directory is not empty, not a backup, or of a newer schema
  ERR_BACKUP: 400,
  // restore onto a store that holds calls, keys or tokens, without --force
  ERR_STORE_NOT_EMPTY: 409,
  // a store that cannot do what was asked (ClickHouse backup, prune on an engine without it)
  ERR_NOT_SUPPORTED: 400,
  // the query `q`: 400 with the offending path
  ERR_QUERY_JSON: 400,
  ERR_TIMEZONE: 400,
  ERR_GROUPING: 400,
  ERR_METRICS: 400,
  ERR_TIME_FORMAT: 400,
  ERR_WEEK_START: 400,
  ERR_FILTER_SHAPE: 400,
  ERR_FILTER_LIMIT: 400,
  ERR_FILTER_VALUE: 400,
  ERR_FILTER_UNKNOWN_FIELD: 400,
  ERR_FILTER_UNKNOWN_OP: 400,
  ERR_FILTER_OP: 400,
  ERR_FILTER_FIELD: 400,
  // who asks
  ERR_AUTH_MISSING: 401,
  ERR_AUTH_INVALID: 401,
  ERR_FORBIDDEN: 403,
  ERR_NOT_FOUND: 404,
  ERR_DASHBOARD_NOT_BUILT: 404,
  ERR_METHOD: 405,
  // what is stored says otherwise: an account that already has another parent (import --parent, pull)
  ERR_ACCOUNT_PARENT: 409,
  // the HTTP edge
  ERR_REQUEST_TIMEOUT: 408,
  ERR_BODY_TOO_LARGE: 413,
  ERR_URL_TOO_LONG: 414,
  ERR_MEDIA_TYPE: 415,
  ERR_RATE_LIMITED: 429,
  ERR_HEADERS_TOO_LARGE: 431,
  // the server and its store
  ERR_INTERNAL: 500,
  // a Kazoo crossbar that `callstats pull` reads failed or refused
  ERR_CROSSBAR: 502,
  ERR_SHUTTING_DOWN: 503,
  ERR_STORE_UNAVAILABLE: 503,
  ERR_STORE_TIMEOUT: 503,
  ERR_STORE_LOCKED: 503,
  ERR_STORE_CLOSED: 503,
  ERR_STORE_FULL: 507,
  // forwarded: a 4xx from Fastify we have no code for, an error of the server the CLI talks to
  ERR_REQUEST: 'upstream',
  ERR_REMOTE: 'upstream',
} as const satisfies Record<string, number | 'upstream'>;

/** A code callstats raises; adding one is a row in ERROR_STATUS. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The HTTP status of `code`; `upstream` is the status a forwarded error came with (500 if none). */
export function statusOf(code: ErrorCode, upstream?: number): number {
  const status = ERROR_STATUS[code];
  return status === 'upstream' ? (upstream ?? 500) : status;
}

/** The response header that names an error answer's code (api/envelope.ts writes it, store/remote reads it). */
export const ERROR_CODE_HEADER = 'x-callstats-error';
