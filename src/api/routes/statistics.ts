import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { CallstatsError } from '../../core/errors.js';
import type { ParsedQuery } from '../../query/parse-query.js';
import { csvChunks, recordsPage } from '../../report/records.js';
import { parseApiQuery, parsePageSize, parsePeriod, parseStartKey } from '../../report/request.js';
import { answerKey, statisticsAnswer } from '../../report/answer.js';
import type { CachedAnswer } from '../../report/answer-cache.js';
import { withCreatedRange } from '../../report/created-range.js';
import { success, successText } from '../envelope.js';
import { csvSchema, docOnly, jsonSchema, statisticsSchema } from '../schemas.js';

const BASE = '/v2/accounts/:account/call_statistics';

/** `q` from the query string, or the JSON body of a POST (SPEC 2.4: both shapes, same meaning). */
function rawQuery(request: FastifyRequest): unknown {
  if (request.method === 'POST' && request.body !== undefined && request.body !== null && request.body !== '') return request.body;
  const q = (request.query as Record<string, unknown>).q;
  if (Array.isArray(q)) throw new CallstatsError('ERR_QUERY_JSON', 'invalid query', { q: { q: 'given more than once' } });
  return q;
}

/** Parses the request's query with the configured defaults, and Kazoo's created_from/created_to. */
export function requestQuery(app: FastifyInstance, request: FastifyRequest): ParsedQuery {
  return withCreatedRange(parseApiQuery(rawQuery(request), app.ctx.config), request.query as Record<string, unknown>);
}

/** SPEC 2.4–2.5: statistics per period, and the matching records as CSV or JSON pages. */
export default async function statisticsRoutes(app: FastifyInstance): Promise<void> {
  const periodHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = (request.params as { period: string }).period;
    // `.../cdrs` is the ingest path (POST only); its GET lands on :period.
    if (raw === 'cdrs') {
      reply.header('allow', 'POST');
      throw new CallstatsError('ERR_METHOD', 'method not allowed', { method: request.method, allowed: ['POST'] });
    }
    const period = parsePeriod(raw);
    const query = requestQuery(app, request);
    const { store, config, answerCache: cache } = app.ctx;
    let answer: CachedAnswer | undefined;
    if (cache?.enabled) {
      const key = answerKey(request.account, period, query, config);
      // docs/api.md, "Answer cache": `Cache-Control: no-cache` computes afresh (and refreshes the entry).
      const fresh = /\bno-cache\b/i.test(String(request.headers['cache-control'] ?? ''));
      answer = fresh ? undefined : cache.get(key);
      reply.header('x-callstats-cache', answer ? 'hit' : fresh ? 'bypass' : 'miss');
      if (!answer) {
        const ticket = cache.begin();
        const computed = await statisticsAnswer(store, request.account, period, query, config);
        // :TRICKY: stored once the answer has left (deflating a large one costs ~1-2 ms, which the
        // client would otherwise wait for; docs/performance.md, "Round 6"). Still exact: put()
        // refuses an answer that a write since `ticket` could have changed, however late it runs.
        reply.raw.once('finish', () => {
          try {
            cache.put(key, computed.scope, computed.answer, ticket);
          } catch (err) {
            request.log.warn({ err }, 'answer not cached');
          }
        });
        answer = computed.answer;
      }
    } else {
      answer = (await statisticsAnswer(store, request.account, period, query, config)).answer;
    }
    // docs/api.md: `account_empty: true` tells a typo'd account id from filters that match nothing.
    const extra = answer.accountEmpty ? ',"account_empty":true' : '';
    return reply.type('application/json; charset=utf-8').send(successText(request, answer.data, answer.revision, extra));
  };

  const csvHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = requestQuery(app, request);
    const abort = new AbortController();
    // :TRICKY: a client that goes away must stop the engine's query, not just our writes.
    reply.raw.on('close', () => abort.abort());
    const chunks = csvChunks(app.ctx.store, app.ctx.zones, request.account, query, app.ctx.config.dateOrder, abort.signal);
    // :TRICKY: the first chunk is awaited before the 200 goes out, so a store that is down or silent
    // answers 503 in the envelope instead of a 200 whose CSV stops after the header.
    const first = await chunks.next();
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="call_statistics.csv"');
    return reply.send(Readable.from(resume(first, chunks), { objectMode: false }));
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

/** The rest of a generator whose first step was already taken. */
async function* resume(first: IteratorResult<string>, rest: AsyncGenerator<string>): AsyncGenerator<string> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}
