import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IngestCounts, Metrics } from '../core/metrics.js';

/** Route label of a request no route matched (404s, malformed URLs): raw URLs never become labels. */
export const UNMATCHED_ROUTE = 'unmatched';

const REDACTED = '[redacted]';

/** The URL with its secrets removed: a webhook path carries its token (`/v2/webhooks/TOKEN/...`). */
export function redactUrl(url: string): string {
  return url.replace(/(\/v2\/webhooks\/)[^/?#]*/gi, `$1${REDACTED}`);
}

/**
 * pino options for the app's logger, whatever the caller asked for (`true`, or `{level, stream}`):
 * requests are serialised without headers, the URL redacted, and the credential headers censored
 * in any object that still carries them (`X-Auth-Token`, `Authorization`, the control token).
 */
export function loggerOptions(asked: boolean | object): object {
  const base = typeof asked === 'object' ? asked : {};
  const secret = ['authorization', '["x-auth-token"]', '["x-callstats-control"]'];
  const paths = ['req.headers', 'headers'].flatMap((h) => secret.map((name) => (name.startsWith('[') ? `${h}${name}` : `${h}.${name}`)));
  return {
    level: 'info',
    ...base,
    redact: { paths, censor: REDACTED },
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: redactUrl(String(req.url ?? '')) }),
    },
  };
}

/** The route pattern of a request (`/v2/accounts/:account/...`), never its URL. */
export function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/**
 * One access line per request at `info` (method, route pattern, status, ms, account, request id as
 * `reqId`) and the HTTP metrics; and the ingest counters, read from the summaries the ingest
 * routes and the CLI's `insertCalls` through the control channel answer with.
 */
export function registerAccessLog(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    const ms = Math.round(reply.elapsedTime * 100) / 100;
    const status = reply.statusCode;
    metrics.httpRequests.inc({ route, method: request.method, status: String(status) });
    metrics.httpDuration.observe({ route }, ms / 1000);
    const line: Record<string, unknown> = { method: request.method, route, status, ms };
    if (route === UNMATCHED_ROUTE) line.path = redactUrl(request.url.split('?')[0]).slice(0, 200);
    if (request.account !== undefined) line.account = request.account;
    request.log.info(line, 'request');
  });
  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    if (reply.statusCode >= 300 || payload === null || typeof payload !== 'object') return payload;
    const route = request.routeOptions.url;
    if (route === '/v2/accounts/:account/call_statistics/cdrs') metrics.ingested('http', summary(payload));
    else if (route === '/v2/webhooks/:token/channel_destroy') metrics.ingested('webhook', summary(payload));
    else if (route === '/_local/rpc' && (request.body as { method?: unknown } | undefined)?.method === 'insertCalls') {
      // `callstats import` (or pull, listen) writing through this server: its rejections stay in the CLI.
      const r = (payload as { result?: { inserted?: number; duplicates?: number } }).result;
      if (r) metrics.ingested('import', { accepted: r.inserted, duplicates: r.duplicates });
    }
    return payload;
  });
}

/** The counts of an ingest route's answer (`data.accepted`, `duplicates`, `rejected_count`, `skipped`). */
function summary(payload: object): IngestCounts {
  const d = (payload as { data?: Record<string, unknown> }).data ?? {};
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return { accepted: n(d.accepted), duplicates: n(d.duplicates), rejected: n(d.rejected_count), skipped: n(d.skipped) };
}
