import Fastify, { LogController, type FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';
import { randomUUID } from 'node:crypto';
import { CallstatsError } from '../core/errors.js';
import { Metrics } from '../core/metrics.js';
import { timedStore } from '../store/timed-store.js';
import { writeScopeStore } from '../store/write-scope-store.js';
import { loggerOptions, registerAccessLog } from './access-log.js';
import type { AppContext } from './context.js';
import { failure, toCallstatsError } from './envelope.js';
import { rateLimitOf, registerAccountAuth } from './auth.js';
import countriesRoutes from './routes/countries.js';
import ingestRoutes from './routes/ingest.js';
import localRpcRoutes from './routes/local-rpc.js';
import openapiRoutes from './routes/openapi.js';
import statisticsRoutes from './routes/statistics.js';
import accountsRoutes from './routes/accounts.js';
import dashboardRoutes from './routes/dashboard.js';
import healthRoutes from './routes/health.js';
import { collectRoutes } from './openapi.js';
import {
  clientErrorHandler,
  headersTooLarge,
  MAX_HEADER_BUFFER_BYTES,
  MAX_OTHER_HEADER_BYTES,
  MAX_URL_BYTES,
  shuttingDown,
  urlTooLong,
  type HttpLimits,
} from './http-limits.js';

export interface AppOptions {
  /** pino options (`{level, stream}`) or `true`; secrets are redacted whatever is given (access-log.ts). */
  logger?: boolean | object;
  /** The server's metrics (`GET /metrics`); `serve` passes one with the process defaults, else a bare one is made. */
  metrics?: Metrics;
  /** Time limits of the HTTP edge; default from the config (CALLSTATS_*_TIMEOUT). */
  limits?: Partial<HttpLimits>;
}

/** What a draining server needs to know: whether it is closing, and when its requests are done. */
export interface Drain {
  closing: boolean;
  /** Requests whose handler has not finished or whose response is still being written. */
  readonly pending: number;
  /** Resolves when `pending` is 0, or after `ms`. */
  idle(ms: number): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    drain: Drain;
    metrics: Metrics;
  }
}

/** Builds the HTTP API as a Fastify instance (not listening): routes, auth, envelopes. */
export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = ctx.config;
  const limits: HttpLimits = { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, ...options.limits };
  const metrics = options.metrics ?? new Metrics({ defaults: false });
  const cache = ctx.answerCache;
  // The answer cache is only safe when every write reports to it: this wrapping is a no-op when `serve` did it.
  const store = timedStore(cache ? writeScopeStore(ctx.store, cache.invalidate) : ctx.store, metrics.observeStore);
  if (cache) metrics.watchAnswerCache(() => cache.stats);
  const app = Fastify({
    logger: options.logger ? loggerOptions(options.logger) : false,
    // Fastify's own request lines carry the raw URL (a webhook token): access-log.ts writes one redacted line instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID().replace(/-/g, ''),
    bodyLimit: 2 * MAX_URL_BYTES,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      maxHeaderSize: MAX_HEADER_BUFFER_BYTES,
      headersTimeout: limits.headersTimeoutMs,
      // Node checks the two timeouts above every 30 s by default: a 408 would come that late.
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    clientErrorHandler: clientErrorHandler(limits),
    routerOptions: { maxParamLength: MAX_URL_BYTES, ignoreTrailingSlash: true },
    // Fastify's own 503 while closing is outside the envelope; the onRequest hook below answers it.
    return503OnClosing: false,
    // A malformed URL (bad percent-encoding) fails in the router, before setErrorHandler applies.
    frameworkErrors: (err, request, reply) => failure(reply, toCallstatsError(err, request)),
  });
  app.decorate('ctx', { ...ctx, store });
  app.decorate('metrics', metrics);
  app.decorate('drain', trackRequests(app));
  // First of all hooks: nothing else (auth, rate limit, the store) runs for these.
  app.addHook('onRequest', async (request, reply) => {
    // Liveness holds while the process drains; readiness (and everything else) says it is closing.
    if (app.drain.closing && request.routeOptions.url !== '/healthz') {
      reply.header('connection', 'close');
      return failure(reply, shuttingDown());
    }
    if (request.raw.url && request.raw.url.length > MAX_URL_BYTES) return failure(reply, urlTooLong());
    let other = 0;
    const raw = request.raw.rawHeaders;
    for (let i = 0; i < raw.length; i++) other += raw[i].length + 2;
    if (other > MAX_OTHER_HEADER_BYTES) return failure(reply, headersTooLarge());
  });
  collectRoutes(app);
  registerAccessLog(app, metrics);
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
      return failure(reply, new CallstatsError('ERR_METHOD', 'method not allowed', { method: request.method, allowed }));
    }
    return failure(reply, new CallstatsError('ERR_NOT_FOUND', 'not found', { path: request.url.split('?')[0].slice(0, 200) }));
  });

  registerAccountAuth(app, rateLimitOf(ctx.config.rateLimit));
  await app.register(countriesRoutes);
  await app.register(ingestRoutes);
  await app.register(localRpcRoutes);
  await app.register(accountsRoutes);
  await app.register(dashboardRoutes);
  await app.register(statisticsRoutes);
  await app.register(openapiRoutes);
  await app.register(healthRoutes);
  return app;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Counts requests from their first hook until both their handler and their response are done. */
function trackRequests(app: FastifyInstance): Drain {
  let pending = 0;
  let waiters: (() => void)[] = [];
  const done = () => {
    // :TRICKY: server.close() closes the connections idle at that moment only; one whose answer
    // ends later would stay open until its keep-alive timeout and hold the drain to its deadline.
    if (drain.closing) setImmediate(() => app.server.closeIdleConnections?.());
    if (--pending === 0) for (const w of waiters.splice(0)) w();
  };
  const state = new WeakMap<object, { handled: boolean; closed: boolean }>();
  app.addHook('onRequest', async (request, reply) => {
    pending++;
    const s = { handled: false, closed: false };
    state.set(request, s);
    // 'close' comes when the response is complete or the connection died, whichever is first.
    reply.raw.once('close', () => {
      s.closed = true;
      if (s.handled) done();
    });
  });
  // onSend runs once the handler (or an error or early reply) settled on an answer, sent or not.
  app.addHook('onSend', async (request) => {
    const s = state.get(request);
    if (!s || s.handled) return;
    s.handled = true;
    if (s.closed) done();
  });
  const drain: Drain = {
    closing: false,
    get pending() {
      return pending;
    },
    idle(ms: number) {
      if (pending === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          waiters = waiters.filter((w) => w !== finish);
          resolve();
        }, ms);
        const finish = () => {
          clearTimeout(t);
          resolve();
        };
        waiters.push(finish);
      });
    },
  };
  return drain;
}
