import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallstatsError } from '../core/errors.js';

/** The Kazoo success envelope. `auth_token` echoes only what the client sent. */
export function success(request: FastifyRequest, data: unknown): Record<string, unknown> {
  const token = request.headers['x-auth-token'];
  return {
    data,
    status: 'success',
    request_id: request.id,
    revision: createHash('md5').update(JSON.stringify(data) ?? '').digest('hex'),
    auth_token: typeof token === 'string' ? token : '',
  };
}

/** The Kazoo error envelope; the HTTP status always equals `error`. */
export function failure(reply: FastifyReply, err: CallstatsError): FastifyReply {
  return reply
    .code(err.status)
    .type('application/json')
    .send({ data: err.data, error: String(err.status), message: err.message, status: 'error', request_id: reply.request.id });
}

/** Fastify's own error codes mapped to ours; anything not listed is an internal error. */
const FASTIFY_ERRORS: Record<string, { code: string; status: number; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'ERR_BODY_TOO_LARGE', status: 413, message: 'request body too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'ERR_MEDIA_TYPE', status: 415, message: 'unsupported content type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'ERR_BODY', status: 400, message: 'empty JSON body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'ERR_BODY', status: 400, message: 'invalid JSON body' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'ERR_BODY', status: 400, message: 'invalid content length' },
  FST_ERR_VALIDATION: { code: 'ERR_VALIDATION', status: 400, message: 'invalid request' },
  FST_ERR_BAD_URL: { code: 'ERR_BAD_URL', status: 400, message: 'malformed URL' },
};

/** Turns any thrown value into a CallstatsError, so every error leaves in the Kazoo envelope. */
export function toCallstatsError(err: unknown): CallstatsError {
  if (err instanceof CallstatsError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string; validation?: unknown };
  const known = e?.code ? FASTIFY_ERRORS[e.code] : undefined;
  if (known) return new CallstatsError(known.code, known.message, known.status, { body: e.message ?? '' });
  if (e instanceof SyntaxError) return new CallstatsError('ERR_BODY', 'invalid JSON body', 400, { body: e.message });
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new CallstatsError('ERR_REQUEST', e.message ?? 'bad request', e.statusCode, {});
  }
  return new CallstatsError('ERR_INTERNAL', 'internal error', 500, {});
}
