import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { Config } from '../../core/config.js';
import { CallstatsError } from '../../core/errors.js';
import { csvLine, CSV_HEADER } from '../../query/csv.js';
import { parseQuery, type ParsedQuery } from '../../query/parse-query.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, recordsPage, type RecordRow, csvChunks } from '../../query/records.js';
import { statistics } from '../../query/statistics.js';
import { isValidTimeZone, parseCallTime, PERIODS, type Period } from '../../time/index.js';
import { success } from '../envelope.js';
import { csvSchema, docOnly, jsonSchema, statisticsSchema } from '../schemas.js';

const BASE = '/v2/accounts/:account/call_statistics';

/** `q` from the query string, or the JSON body of a POST (SPEC 2.4: both shapes, same meaning). */
function rawQuery(request: FastifyRequest): unknown {
  if (request.method === 'POST' && request.body !== undefined && request.body !== null && request.body !== '') return request.body;
  const q = (request.query as Record<string, unknown>).q;
  if (Array.isArray(q)) throw new CallstatsError('ERR_QUERY_JSON', 'invalid query', 400, { q: { q: 'given more than once' } });
  return q;
}

/** Parses a `q` (JSON text or object) with the configured defaults: the one parser of the API and CLI. */
export function parseApiQuery(raw: unknown, config: Pick<Config, 'defaultTimezone' | 'dateOrder'>): ParsedQuery {
  return parseQuery(raw, {
    defaultTimezone: config.defaultTimezone,
    isValidTimeZone,
    parseTime: (value, tz) => parseCallTime(value, tz, config.dateOrder),
  });
}

/** Parses the request's query with the configured defaults. */
export function requestQuery(app: FastifyInstance, request: FastifyRequest): ParsedQuery {
  return parseApiQuery(rawQuery(request), app.ctx.config);
}

/** A PERIOD path segment, or a 400 naming the choices. */
export function parsePeriod(period: string): Period {
  if (PERIODS.includes(period as Period)) return period as Period;
  throw new CallstatsError('ERR_PERIOD', 'unknown period', 400, {
    period: `expected one of ${PERIODS.join(', ')}, not '${period.slice(0, 40)}'`,
  });
}

/** `page_size` as given (string, number or absent), or a 400. */
export function parsePageSize(raw: unknown): number {
  const size =
    raw === undefined
      ? DEFAULT_PAGE_SIZE
      : typeof raw === 'string' && raw.trim() !== ''
        ? Number(raw)
        : typeof raw === 'number'
          ? raw
          : NaN;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new CallstatsError('ERR_PAGE_SIZE', 'invalid page_size', 400, { page_size: `a whole number from 1 to ${MAX_PAGE_SIZE}` });
  }
  return size;
}

/** `start_key` as given; a repeated key is refused rather than guessed at. */
export function parseStartKey(raw: unknown): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string')
    throw new CallstatsError('ERR_START_KEY', 'invalid start_key', 400, { start_key: 'not a key returned by a previous page' });
  return raw;
}

/** SPEC 2.4–2.5: statistics per period, and the matching records as CSV or JSON pages. */
export default async function statisticsRoutes(app: FastifyInstance): Promise<void> {
  const periodHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = (request.params as { period: string }).period;
    // `.../cdrs` is the ingest path (POST only); its GET lands on :period.
    if (raw === 'cdrs') {
      reply.header('allow', 'POST');
      throw new CallstatsError('ERR_METHOD', 'method not allowed', 405, { method: request.method, allowed: ['POST'] });
    }
    const period = parsePeriod(raw);
    const query = requestQuery(app, request);
    return success(request, await statistics(app.ctx.store, request.account, period, query, app.ctx.config));
  };

  const csvHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = requestQuery(app, request);
    const abort = new AbortController();
    // :TRICKY: a client that goes away must stop the engine's query, not just our writes.
    reply.raw.on('close', () => abort.abort());
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="call_statistics.csv"');
    return reply.send(
      Readable.from(csvChunks(app.ctx.store, app.ctx.zones, request.account, query, app.ctx.config.dateOrder, abort.signal), {
        objectMode: false,
      }),
    );
  };

  const jsonHandler = async (request: FastifyRequest) => {
    const query = requestQuery(app, request);
    const qs = request.query as Record<string, unknown>;
    const size = parsePageSize(qs.page_size);
    const startKey = parseStartKey(qs.start_key);
    const page = await recordsPage(app.ctx.store, app.ctx.zones, request.account, query, app.ctx.config.dateOrder, size, startKey);
    return {
      ...success(request, page.data),
      page_size: page.page_size,
      ...(page.next_start_key ? { next_start_key: page.next_start_key } : {}),
    };
  };

  // csv/json are registered before :period so the static paths win.
  for (const method of ['GET', 'POST'] as const) {
    app.route({ method, url: `${BASE}/csv`, handler: csvHandler, ...docOnly(csvSchema, method) });
    app.route({ method, url: `${BASE}/json`, handler: jsonHandler, ...docOnly(jsonSchema, method) });
    app.route({ method, url: `${BASE}/:period`, handler: periodHandler, ...docOnly(statisticsSchema, method) });
  }
}
