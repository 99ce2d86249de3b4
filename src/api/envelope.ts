import { createHash, randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODE_HEADER, type ErrorCode } from '../core/error-codes.js';
import { CallstatsError } from '../core/errors.js';

/** The Kazoo success envelope. `auth_token` echoes only what the client sent. */
export function success(request: FastifyRequest, data: unknown): Record<string, unknown> {
  const token = request.headers['x-auth-token'];
  return {
    data,
    status: 'success',
    request_id: request.id,
    revision: createHash('md5')
      .update(JSON.stringify(data) ?? '')
      .digest('hex'),
    auth_token: typeof token === 'string' ? token : '',
  };
}

/**
 * The success envelope as text around an already serialised `data` (a statistics answer, cached
 * or fresh): the same bytes `JSON.stringify` of `success(...)` plus `extra` would give, without
 * walking the answer again.
 */
export function successText(request: FastifyRequest, data: string, revision: string, extra = ''): string {
  const token = request.headers['x-auth-token'];
  return (
    `{"data":${data},"status":"success","request_id":${JSON.stringify(request.id)},"revision":${JSON.stringify(revision)},` +
    `"auth_token":${JSON.stringify(typeof token === 'string' ? token : '')}${extra}}`
  );
}

/** The Kazoo error envelope; the HTTP status always equals `error`. */
export function failure(reply: FastifyReply, err: CallstatsError): FastifyReply {
  return (
    reply
      .code(err.status)
      // The code itself (`ERR_STORE_LOCKED`, …), for clients such as the CLI through a running server
      // (store/remote), which would otherwise know only the status.
      .header(ERROR_CODE_HEADER, err.code)
      .type('application/json')
      .send({ data: err.data, error: String(err.status), message: err.message, status: 'error', request_id: reply.request.id })
  );
}

/** Fastify's own error codes mapped to ours; anything not listed is an internal error. */
const FASTIFY_ERRORS: Record<string, { code: ErrorCode; message: string; data: (req?: FastifyRequest) => Record<string, unknown> }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'ERR_BODY_TOO_LARGE',
    message: 'request body too large',
    data: (req) => ({ body: `more than ${req?.routeOptions.bodyLimit ?? 'the limit of'} bytes` }),
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'ERR_MEDIA_TYPE',
    message: 'unsupported content type',
    data: (req) => ({ 'content-type': String(req?.headers['content-type'] ?? '').slice(0, 200) }),
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'ERR_BODY', message: 'empty JSON body', data: () => ({ body: 'empty' }) },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'ERR_BODY', message: 'invalid JSON body', data: () => ({ body: 'invalid JSON' }) },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'ERR_BODY',
    message: 'invalid content length',
    data: () => ({ 'content-length': 'does not match the body' }),
  },
  FST_ERR_VALIDATION: { code: 'ERR_VALIDATION', message: 'invalid request', data: () => ({}) },
  FST_ERR_BAD_URL: {
    code: 'ERR_BAD_URL',
    message: 'malformed URL',
    data: () => ({ path: 'not a valid percent-encoded URL' }),
  },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'ERR_BAD_URL', message: 'malformed URL', data: () => ({}) },
};

/**
 * Turns any thrown value into a CallstatsError, so every error leaves in the Kazoo envelope.
 * `request` lets Fastify's own errors say where they happened (the limit, the content type).
 */
export function toCallstatsError(err: unknown, request?: FastifyRequest): CallstatsError {
  if (err instanceof CallstatsError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string; validation?: unknown };
  const known = e?.code ? FASTIFY_ERRORS[e.code] : undefined;
  if (known) return new CallstatsError(known.code, known.message, known.data(request));
  // JSON.parse in a content-type parser; the parser's own text names no spot the client can use.
  if (e instanceof SyntaxError) return new CallstatsError('ERR_BODY', 'invalid JSON body', { body: 'invalid JSON' });
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new CallstatsError('ERR_REQUEST', 'bad request', {}, e.statusCode);
  }
  return new CallstatsError('ERR_INTERNAL', 'internal error', {});
}

/**
 * The error envelope as raw HTTP/1.1 bytes, for answers written straight to a socket: the
 * parser's own failures (`clientError`: slow, oversized or malformed requests) happen before
 * Fastify has a request to reply on. The connection is closed after it.
 */
export function rawFailure(err: CallstatsError): string {
  const body = JSON.stringify({
    data: err.data,
    error: String(err.status),
    message: err.message,
    status: 'error',
    request_id: randomUUID().replace(/-/g, ''),
  });
  return (
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
