import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifyWebhookToken } from '../../accounts/tokens.js';
import { CallstatsError } from '../../core/errors.js';
import { cdrToCall, ingestRecords, parseWebhookBody, readRecordBatches } from '../../ingest/index.js';
import { success } from '../envelope.js';
import { cdrsSchema, docOnly, webhookSchema } from '../schemas.js';

/** Largest ingest body; bodies stream, so this bounds a request, not memory. */
export const INGEST_BODY_LIMIT = 256 * 1024 * 1024;
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * SPEC 2.7: `POST .../cdrs` (JSON `{"data": [...]}`, a bare array, or NDJSON) and the Kazoo
 * `channel_destroy` webhook. Bodies are read as streams by our own readers, so a large batch is
 * stored in constant memory; the answer is sent only after every batch has committed.
 */
export default async function ingestRoutes(app: FastifyInstance): Promise<void> {
  // :TRICKY: inside this plugin JSON and NDJSON bodies arrive as raw streams (our readers parse
  // them incrementally); other plugins keep Fastify's JSON parser.
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json', 'application/x-ndjson', 'application/jsonl', 'text/plain'], (_req, payload, done) =>
    done(null, payload),
  );
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post(
    '/v2/accounts/:account/call_statistics/cdrs',
    { bodyLimit: INGEST_BODY_LIMIT, ...docOnly(cdrsSchema) },
    async (request: FastifyRequest) => {
      const type = String(request.headers['content-type'] ?? '')
        .split(';')[0]
        .trim()
        .toLowerCase();
      if (type === 'application/x-www-form-urlencoded') {
        throw new CallstatsError('ERR_MEDIA_TYPE', 'unsupported content type', 415, { 'content-type': type });
      }
      const format = type === 'application/x-ndjson' || type === 'application/jsonl' ? 'ndjson' : 'auto';
      const result = await ingestRecords(readRecordBatches(request.body as NodeJS.ReadableStream, format), {
        store: app.ctx.store,
        accountId: request.account,
        zoneOf: app.ctx.zones.zoneOf,
      });
      return success(request, {
        accepted: result.accepted,
        duplicates: result.duplicates,
        rejected: result.rejected,
        rejected_count: result.rejectedCount,
      });
    },
  );

  app.post('/v2/webhooks/:token/channel_destroy', { bodyLimit: WEBHOOK_BODY_LIMIT, ...docOnly(webhookSchema) }, async (request) => {
    const hook = await verifyWebhookToken(app.ctx.store, (request.params as { token: string }).token);
    if (!hook) throw new CallstatsError('ERR_AUTH_INVALID', 'invalid webhook token', 401, { token: 'invalid or revoked' });
    const body = typeof request.body === 'string' ? request.body : await readAll(request.body as NodeJS.ReadableStream);
    const parsed = parseWebhookBody(body, String(request.headers['content-type'] ?? 'application/json'));
    if (!parsed.ok) throw new CallstatsError('ERR_CDR', 'invalid CDR', 400, { body: parsed.reason });
    const converted = cdrToCall(parsed.doc, { accountId: hook.account, zoneOf: app.ctx.zones.zoneOf });
    if (!converted.ok) {
      return success(request, { accepted: 0, duplicates: 0, rejected: [{ index: 0, reason: converted.reason }], rejected_count: 1 });
    }
    const r = await app.ctx.store.insertCalls([converted.call]);
    return success(request, { accepted: r.inserted, duplicates: r.duplicates, rejected: [], rejected_count: 0 });
  });
}

/** Reads a small body whole; our stream parsers bypass Fastify's limit, so it is enforced here. */
async function readAll(stream: NodeJS.ReadableStream, limit = WEBHOOK_BODY_LIMIT): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c);
    size += b.length;
    if (size > limit) throw new CallstatsError('ERR_BODY_TOO_LARGE', 'request body too large', 413, { body: `more than ${limit} bytes` });
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
