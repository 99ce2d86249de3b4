import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CallstatsError } from '../../core/errors.js';
import type { RouteSchema } from '../schemas.js';

const healthzSchema: RouteSchema = {
  summary: 'Liveness: 200 while the process runs',
  description: 'Needs no key. Answers `{"status":"ok"}`, also while the server drains on shutdown.',
  tags: ['operations'],
};
const readyzSchema: RouteSchema = {
  summary: 'Readiness: 200 when the store answers, else 503',
  description:
    'Needs no key. Asks the store `SELECT 1`; a 503 in the error envelope says why it did not answer, or that the server is shutting down.',
  tags: ['operations'],
};
const metricsSchema: RouteSchema = {
  summary: 'Prometheus metrics (text exposition format)',
  description: 'Needs no API key; when `CALLSTATS_METRICS_TOKEN` is set, `Authorization: Bearer <token>` is required.',
  tags: ['operations'],
};

/** `GET /healthz`, `GET /readyz`, `GET /metrics` (SPEC 9): none needs an API key. */
export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: healthzSchema }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: readyzSchema }, async () => {
    try {
      await app.ctx.store.all({ sql: 'SELECT 1 AS ok', params: [] });
    } catch (err) {
      // Whatever failed, the answer is a 503 that says so, never a 500: readiness is about the store.
      if (err instanceof CallstatsError && err.status >= 500) throw err.status === 503 ? err : notReady(err.message, err.code);
      throw notReady((err as Error)?.message ?? String(err));
    }
    return { status: 'ready' };
  });

  app.get('/metrics', { schema: metricsSchema }, async (request, reply) => {
    const expected = app.ctx.config.metricsToken;
    if (expected !== undefined) checkBearer(request, expected, (name, value) => reply.header(name, value));
    return reply.type(app.metrics.contentType).send(await app.metrics.text());
  });
}

function notReady(reason: string, code?: string): CallstatsError {
  return new CallstatsError('ERR_STORE_UNAVAILABLE', 'store unavailable', { store: reason, ...(code ? { code } : {}) });
}

/** `Authorization: Bearer <token>` equal to `expected`, compared in constant time (both sides hashed to one length). */
function checkBearer(request: FastifyRequest, expected: string, header: (name: string, value: string) => void): void {
  const auth = request.headers.authorization;
  header('www-authenticate', 'Bearer realm="callstats metrics"');
  if (typeof auth !== 'string' || !/^bearer\s/i.test(auth)) {
    throw new CallstatsError('ERR_AUTH_MISSING', 'missing bearer token', { authorization: 'Bearer CALLSTATS_METRICS_TOKEN required' });
  }
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(digest(auth.slice(7).trim()), digest(expected))) {
    throw new CallstatsError('ERR_AUTH_INVALID', 'invalid bearer token', { authorization: 'not CALLSTATS_METRICS_TOKEN' });
  }
}
