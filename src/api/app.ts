import Fastify, { type FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';
import { randomUUID } from 'node:crypto';
import { CallstatsError } from '../core/errors.js';
import type { AppContext } from './context.js';
import { failure, toCallstatsError } from './envelope.js';
import { registerAccountAuth } from './auth.js';
import countriesRoutes from './routes/countries.js';
import ingestRoutes from './routes/ingest.js';
import localRpcRoutes from './routes/local-rpc.js';
import { registerExtraRoutes } from './extra-routes.js';
import { collectRoutes } from './openapi.js';

/** Longest URL accepted: a `q` naming a whole country's zone ids is long (SPEC 2.4). */
export const MAX_URL_BYTES = 1024 * 1024;

export interface AppOptions {
  logger?: boolean | object;
}

/** Builds the HTTP API as a Fastify instance (not listening): routes, auth, envelopes. */
export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: () => randomUUID().replace(/-/g, ''),
    bodyLimit: 2 * MAX_URL_BYTES,
    http: { maxHeaderSize: MAX_URL_BYTES + 64 * 1024 },
    routerOptions: { maxParamLength: MAX_URL_BYTES, ignoreTrailingSlash: true },
    // The 405 handler below needs to know every route; Fastify's own 404 would hide them.
    return503OnClosing: true,
    // A malformed URL (bad percent-encoding) fails in the router, before setErrorHandler applies.
    frameworkErrors: (err, request, reply) => failure(reply, toCallstatsError(err, request)),
  });
  app.decorate('ctx', ctx);
  collectRoutes(app);
  // A shadow router of every route, to answer 405 (known path, other method) instead of 404.
  const shadow = FindMyWay({ maxParamLength: MAX_URL_BYTES, ignoreTrailingSlash: true });
  app.addHook('onRoute', (route) => {
    for (const m of [route.method].flat()) if (m !== 'HEAD') shadow.on(m as 'GET', route.url, () => undefined);
  });

  app.setErrorHandler((err, request, reply) => {
    const e = toCallstatsError(err, request);
    if (e.status >= 500) request.log.error({ err }, 'request failed');
    return failure(reply, e);
  });
  app.setNotFoundHandler((request, reply) => {
    const allowed = METHODS.filter((m) => shadow.find(m, request.url.split('?')[0]) !== null);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return failure(reply, new CallstatsError('ERR_METHOD', 'method not allowed', 405, { method: request.method, allowed }));
    }
    return failure(reply, new CallstatsError('ERR_NOT_FOUND', 'not found', 404, { path: request.url.split('?')[0].slice(0, 200) }));
  });

  registerAccountAuth(app);
  await app.register(countriesRoutes);
  await app.register(ingestRoutes);
  await app.register(localRpcRoutes);
  await registerExtraRoutes(app);
  return app;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
