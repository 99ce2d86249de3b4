/**
 * Which failures of a ClickHouse request are the store's (503/507, the client may retry) and which are
 * the query's (kept as they are). docs/clickhouse.md, "Faults".
 */
import { CallstatsError, storeFull, storeTimeout, storeUnavailable } from '../../core/errors.js';

/** Default for `CALLSTATS_QUERY_TIMEOUT` when a store is built without one (tests, tools). */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

// Server exception codes that say the server (or a shard behind it) cannot serve now, not that the
// query is wrong. 18.16 names no error type, only `Code: N`.
const UNAVAILABLE_CODES = new Map<number, string>([
  [32, 'a shard closed the connection'], // ATTEMPT_TO_READ_AFTER_EOF
  [202, 'too many simultaneous queries'], // TOO_MANY_SIMULTANEOUS_QUERIES
  [209, 'a shard did not answer'], // SOCKET_TIMEOUT
  [210, 'a shard is unreachable'], // NETWORK_ERROR
  [241, 'out of memory'], // MEMORY_LIMIT_EXCEEDED
  [279, 'a shard is unreachable'], // ALL_CONNECTION_TRIES_FAILED
  [394, 'the query was cancelled by the server'], // QUERY_WAS_CANCELLED (e.g. shutting down)
]);
const TIMEOUT_CODE = 159; // TIMEOUT_EXCEEDED (max_execution_time)
const NO_SPACE_CODE = 243; // NOT_ENOUGH_SPACE

// Errors of the socket or of name resolution: the request never got a server's answer.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The `Code: N` of a ClickHouse server exception text, if it is one. */
export function serverCode(message: string): number | undefined {
  const m = /^\s*Code: (\d+)[,.]/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/**
 * The ClickHouse exception code of what a request threw: `Code: N` at the start of the text (18.16,
 * and any server whose answer the client did not parse), or the client's parsed numeric `code` (current
 * servers and chdb:, whose messages do not start with it).
 */
export function exceptionCode(err: unknown): number | undefined {
  const fromText = serverCode(err instanceof Error ? err.message : String(err));
  if (fromText !== undefined) return fromText;
  const code = (err as { code?: unknown } | undefined)?.code;
  return (typeof code === 'string' && /^\d+$/.test(code)) || typeof code === 'number' ? Number(code) : undefined;
}

/**
 * Turns what a request to `url` threw into the error callers see: server exceptions that are the query's
 * fault stay as they are; everything that means "the store cannot answer now" becomes a coded 503 (507
 * for a full disk). Call only with errors of a request to ClickHouse, never with the caller's own.
 */
export function storeError(err: unknown, url: string): unknown {
  if (err instanceof CallstatsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = exceptionCode(err);
  const where = hostOf(url);
  if (code !== undefined) {
    if (code === NO_SPACE_CODE || /No space left on device/i.test(message)) return storeFull(`${where}: ${firstLine(message)}`);
    if (code === TIMEOUT_CODE) return storeUnavailable(`${where}: the query ran longer than the server allows: ${firstLine(message)}`);
    const reason = UNAVAILABLE_CODES.get(code);
    return reason ? storeUnavailable(`${where}: ${reason} (ClickHouse code ${code})`) : err;
  }
  const net = networkCode(err);
  if (net) return storeUnavailable(`${where}: ${net}`);
  if (/socket hang up|other side closed|Timeout error|fetch failed|terminated/i.test(message)) {
    return storeUnavailable(`${where}: ${firstLine(message)}`);
  }
  // :TRICKY: a failed HTTP answer without `Code: N` was not written by ClickHouse (a proxy's 502/503, a
  // load balancer's page): the store is not there, whatever the body says.
  if (err instanceof HttpStatusError && err.status >= 500) return storeUnavailable(`${where}: HTTP ${err.status}`);
  if (err instanceof Error && !(err instanceof HttpStatusError)) return storeUnavailable(`${where}: ${firstLine(message)}`);
  return err;
}

/** A failed HTTP answer of the multipart `fetch` (the client library throws the body text itself). */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(body.trim() || `HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

/** The timeout error of a request to `url` that did not answer within `timeoutMs`. */
export function timeoutError(timeoutMs: number, url: string): CallstatsError {
  const err = storeTimeout(timeoutMs / 1000);
  err.data.host = hostOf(url);
  return err;
}

/** True for the errors that mean "no answer from the store now" (503), as opposed to the query's fault. */
export function isUnavailable(err: unknown): boolean {
  return err instanceof CallstatsError && (err.code === 'ERR_STORE_UNAVAILABLE' || err.code === 'ERR_STORE_TIMEOUT');
}

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    for (const inner of (e as { errors?: unknown[] }).errors ?? []) {
      const c = (inner as { code?: unknown }).code;
      if (typeof c === 'string' && NETWORK_CODES.has(c)) return c;
    }
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300);
}
