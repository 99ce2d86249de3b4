import type { FastifyInstance } from 'fastify';
import { filterSchema, querySchema, type RouteSchema } from './schemas.js';

/** One public route as registered, with its (documentation) schema. */
export interface CatalogRoute {
  readonly method: string;
  readonly url: string;
  readonly schema?: RouteSchema;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every public route, collected as it is added; the OpenAPI document is built from it. */
    routeCatalog: CatalogRoute[];
  }
}

/**
 * Starts collecting routes. Must run before any route is added: onRoute only sees later routes.
 * HEAD (Fastify adds one per GET) and the CLI's private `/_local` channel are left out.
 */
export function collectRoutes(app: FastifyInstance): void {
  const catalog: CatalogRoute[] = [];
  app.decorate('routeCatalog', catalog);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/_local')) return;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      catalog.push({ method, url: route.url, schema: route.schema as RouteSchema | undefined });
    }
  });
}

const ERRORS: Record<string, string> = {
  '400': 'bad request: malformed q, unknown field or operator, wrong value type, bad time zone or period, too many buckets',
  '401': 'missing or invalid X-Auth-Token',
  '403': 'the key may not access this account',
  '404': 'unknown path',
  '405': 'method not allowed on this path',
  '408': 'request too slow: headers or body not received in time',
  '413': 'body too large',
  '414': 'URL too long; POST the same query as the JSON body',
  '415': 'unsupported content type',
  '429': 'rate limited; see Retry-After',
  '503': 'store unavailable, not answering within CALLSTATS_QUERY_TIMEOUT, or the server is shutting down',
  '507': 'store out of disk space',
};

/** Builds an OpenAPI 3.0 document from the collected routes. */
export function buildOpenApi(routes: readonly CatalogRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    (paths[path] ??= {})[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.0.3',
    info: { title: 'callstats', version, description: 'Kazoo-compatible call statistics (call_statistics API)' },
    paths,
    components: {
      securitySchemes: {
        authToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'CALLSTATS_METRICS_TOKEN, only when it is set' },
      },
      schemas: {
        Filter: filterSchema(),
        Query: querySchema(),
        Error: {
          type: 'object',
          required: ['data', 'error', 'message', 'status', 'request_id'],
          properties: {
            data: { type: 'object', description: 'what was wrong and where, e.g. {"q": {"filters[1].op": "unknown operator"}}' },
            error: { type: 'string', description: 'the HTTP status as a string' },
            message: { type: 'string' },
            status: { type: 'string', enum: ['error'] },
            request_id: { type: 'string' },
          },
        },
      },
    },
  };
}

function operation(r: CatalogRoute): Record<string, unknown> {
  const s = r.schema ?? {};
  const parameters = [...objectParams(s.params, 'path'), ...objectParams(s.querystring, 'query')];
  const responses: Record<string, unknown> = {};
  for (const [code, res] of Object.entries((s.response ?? {}) as Record<string, { description?: string }>)) {
    responses[code] = { description: res.description ?? '' };
  }
  if (Object.keys(responses).length === 0) responses['200'] = { description: 'success' };
  for (const [code, description] of Object.entries(ERRORS)) {
    responses[code] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  const op: Record<string, unknown> = {
    ...(s.summary ? { summary: s.summary } : {}),
    ...(s.tags ? { tags: s.tags } : {}),
    parameters,
    responses,
  };
  op.security = securityOf(r.url);
  if (s.body && r.method !== 'GET') op.requestBody = { required: false, content: { 'application/json': { schema: s.body } } };
  return op;
}

/**
 * Who may call `url`: an API key for `/v2/accounts` and everything under it; `/metrics` a bearer
 * token or nothing (when CALLSTATS_METRICS_TOKEN is unset); the rest is public (the webhook's
 * token is its path).
 */
function securityOf(url: string): Record<string, string[]>[] {
  if (url === '/v2/accounts' || url.startsWith('/v2/accounts/')) return [{ authToken: [] }];
  if (url === '/metrics') return [{ metricsToken: [] }, {}];
  return [];
}

function objectParams(schema: unknown, where: 'path' | 'query'): Record<string, unknown>[] {
  const props = (schema as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties ?? {};
  return Object.entries(props).map(([name, p]) => {
    const { description, ...rest } = p;
    return { name, in: where, required: where === 'path', ...(description ? { description } : {}), schema: rest };
  });
}
