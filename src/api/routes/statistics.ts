import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { CallstatsError } from '../../core/errors.js';
import { csvLine, CSV_HEADER } from '../../query/csv.js';
import { parseQuery, type ParsedQuery } from '../../query/parse-query.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, recordsPage, streamRecords } from '../../query/records.js';
import { statistics } from '../../query/statistics.js';
import { isValidTimeZone, parseCallTime, PERIODS, type Period } from '../../time/index.js';
import { success } from '../envelope.js';

const BASE = '/v2/accounts/:account/call_statistics';

/** `q` from the query string, or the JSON body of a POST (SPEC 2.4: both shapes, same meaning). */
function rawQuery(request: FastifyRequest): unknown {
  if (request.method === 'POST' && request.body !== undefined && request.body !== null && request.body !== '') return request.body;
  const q = (request.query as Record<string, unknown>).q;
  if (Array.isArray(q)) throw new CallstatsError('ERR_QUERY_JSON', 'invalid query', 400, { q: { q: 'given more than once' } });
  return q;
}

/** Parses the request's query with the configured defaults. */
export function requestQuery(app: FastifyInstance, request: FastifyRequest): ParsedQuery {
  const { config } = app.ctx;
  return parseQuery(rawQuery(request), {
    defaultTimezone: config.defaultTimezone,
    isValidTimeZone,
    parseTime: (value, tz) => parseCallTime(value, tz, config.dateOrder),
  });
}

/** SPEC 2.4–2.5: statistics per period, and the matching records as CSV or JSON pages. */
export default async function statisticsRoutes(app: FastifyInstance): Promise<void> {
  const periodHandler = async (request: FastifyRequest) => {
    const { period } = request.params as { period: string };
    if (!PERIODS.includes(period as Period)) {
      throw new CallstatsError('ERR_PERIOD', 'unknown period', 400, { period: `expected one of ${PERIODS.join(', ')}, not '${period.slice(0, 40)}'` });
    }
    const query = requestQuery(app, request);
    return success(request, await statistics(app.ctx.store, request.account, period as Period, query, app.ctx.config));
  };

  const csvHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = requestQuery(app, request);
    const abort = new AbortController();
    // :TRICKY: a client that goes away must stop the engine's query, not just our writes.
    reply.raw.on('close', () => abort.abort());
    const rows = streamRecords(app.ctx.store, app.ctx.zones, request.account, query, app.ctx.config.dateOrder, abort.signal);
    async function* lines(): AsyncGenerator<string> {
      yield CSV_HEADER;
      let chunk = '';
      for await (const r of rows) {
        chunk += csvLine(r);
        if (chunk.length >= 64 * 1024) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="call_statistics.csv"');
    return reply.send(Readable.from(lines(), { objectMode: false }));
  };

  const jsonHandler = async (request: FastifyRequest) => {
    const query = requestQuery(app, request);
    const qs = request.query as Record<string, unknown>;
    const size = qs.page_size === undefined ? DEFAULT_PAGE_SIZE : Number(qs.page_size);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw new CallstatsError('ERR_PAGE_SIZE', 'invalid page_size', 400, { page_size: `a whole number from 1 to ${MAX_PAGE_SIZE}` });
    }
    const startKey = typeof qs.start_key === 'string' && qs.start_key ? qs.start_key : undefined;
    const page = await recordsPage(app.ctx.store, app.ctx.zones, request.account, query, app.ctx.config.dateOrder, size, startKey);
    return { ...success(request, page.data), page_size: page.page_size, ...(page.next_start_key ? { next_start_key: page.next_start_key } : {}) };
  };

  // csv/json are registered before :period so the static paths win.
  for (const method of ['GET', 'POST'] as const) {
    app.route({ method, url: `${BASE}/csv`, handler: csvHandler });
    app.route({ method, url: `${BASE}/json`, handler: jsonHandler });
    app.route({ method, url: `${BASE}/:period`, handler: periodHandler });
  }
}
