import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../core/config.js';
import { CallstatsError } from '../core/errors.js';
import { rawFailure } from './envelope.js';

/** Longest URL accepted: a `q` naming a whole country's zone ids is long (SPEC 2.4). */
export const MAX_URL_BYTES = 1024 * 1024;
/** Most bytes of header lines besides the request line. */
export const MAX_OTHER_HEADER_BYTES = 64 * 1024;
/**
 * What Node's HTTP parser buffers before it gives up. Larger than the two limits above, so the
 * usual too-long URL is parsed and answered 414 with the request in hand; past this the parser
 * fails first and `clientError` answers (414 when the overflow is inside one line, else 431).
 */
export const MAX_HEADER_BUFFER_BYTES = 4 * MAX_URL_BYTES;

/** The HTTP edge's time limits, in milliseconds (docs/operations.md; read in core/config.ts). */
export type HttpLimits = Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'>;

export function urlTooLong(): CallstatsError {
  return new CallstatsError('ERR_URL_TOO_LONG', 'URL too long: POST the same query as the JSON body to the same path', {
    url: `more than ${MAX_URL_BYTES} bytes`,
    hint: 'POST the q object (or {"data": q}) as application/json to the same path',
  });
}

export function headersTooLarge(): CallstatsError {
  return new CallstatsError('ERR_HEADERS_TOO_LARGE', 'request headers too large', {
    headers: `more than ${MAX_OTHER_HEADER_BYTES} bytes besides the URL`,
  });
}

function requestTooSlow(limits: HttpLimits): CallstatsError {
  return new CallstatsError('ERR_REQUEST_TIMEOUT', 'request too slow', {
    request: `headers must arrive within ${limits.headersTimeoutMs / 1000} s (CALLSTATS_HEADERS_TIMEOUT) and the whole request within ${limits.requestTimeoutMs / 1000} s (CALLSTATS_REQUEST_TIMEOUT)`,
  });
}

export function shuttingDown(): CallstatsError {
  return new CallstatsError('ERR_SHUTTING_DOWN', 'shutting down', { server: 'shutting down; retry on another instance or later' });
}

/**
 * Node's `clientError`: the parser failed (too slow, too large, malformed) before Fastify had a
 * request. Answers in the envelope when nothing of a response was sent yet, then closes.
 * :TRICKY: the parser stops at the overflow, so the client may still be sending; the socket is
 * ended (not destroyed) and drained for a moment, since closing with unread bytes makes the
 * kernel send a reset that can discard the answer before the client reads it.
 */
export function clientErrorHandler(limits: HttpLimits) {
  return function (this: FastifyInstance, err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    const e =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? requestTooSlow(limits)
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? Buffer.isBuffer(err.rawPacket) && err.rawPacket.includes('\r\n')
            ? headersTooLarge()
            : urlTooLong()
          : new CallstatsError('ERR_BAD_REQUEST', 'malformed HTTP request', { request: 'not a valid HTTP/1.1 request' });
    this.log.debug({ code: err.code }, 'client error');
    if (!socket.writable || response?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(rawFailure(e));
    socket.on('data', () => undefined);
    socket.resume();
    setTimeout(() => socket.destroy(), 2000).unref();
  };
}
