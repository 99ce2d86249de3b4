import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { adoptSubaccount, webhookAccount } from '../../accounts/subaccounts.js';
import { verifyWebhookToken } from '../../accounts/tokens.js';
import { CallstatsError } from '../../core/errors.js';
import { cdrToCall, ingestRecords, notACdr, notCdrs, parseWebhookBody, readRecordBatches } from '../../ingest/index.js';
import { bodyWorkers } from '../../ingest/body-workers.js';
import { success } from '../envelope.js';
import { lingerOnClose } from '../linger.js';
import { cdrsSchema, docOnly, webhookSchema } from '../schemas.js';

/** Largest ingest body (bytes as sent); over it is a 413 and nothing of the request is stored. */
export const INGEST_BODY_LIMIT = 256 * 1024 * 1024;
/** Bodies of at least this many bytes (Content-Length) are parsed on the ingest workers: ~40 CDRs, ~2 ms of parsing. */
export const WORKER_MIN_BYTES = 64 * 1024;
/** Largest webhook body: one CDR. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * SPEC 2.7: `POST .../cdrs` (JSON `{"data": [...]}`, a bare array, a CDR object, or NDJSON) and the
 * Kazoo `channel_destroy` webhook. Bodies are read as streams by our own readers, which judge each
 * record alone; a body that is not CDRs is a 400, one over its limit a 413.
 */
export default async function ingestRoutes(app: FastifyInstance): Promise<void> {
  // :TRICKY: inside this plugin JSON and NDJSON bodies arrive as raw streams (our readers parse
  // them incrementally); other plugins keep Fastify's JSON parser. Fastify does not count the bytes
  // of a stream it hands over, so the limit is enforced here: a Content-Length over it is refused
  // before a byte is read, and `limitBytes` cuts a chunked body as soon as it passes the limit.
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json', 'application/x-ndjson', 'application/jsonl', 'text/plain'], (req, payload, done) => {
    const limit = req.routeOptions.bodyLimit ?? INGEST_BODY_LIMIT;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) done(tooLarge(limit), undefined);
    else done(null, payload);
  });
  // A body refused before it was read whole (413, 400 not CDRs, cut off) must not be drained to
  // keep the connection alive — Node would read the rest of a huge upload to discard it — so the
  // answer closes the connection, lingering (linger.ts) so the client can read the answer.
  app.addHook('onError', async (request, reply) => {
    if (request.raw.complete) return;
    reply.header('connection', 'close');
    lingerOnClose(request.raw);
  });
  // Parsing threads that live as long as the app; none start until a large body comes.
  const workers = bodyWorkers(app.ctx.config.ingestWorkers);
  app.addHook('onClose', () => workers.close());
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
        throw new CallstatsError('ERR_MEDIA_TYPE', 'unsupported content type', { 'content-type': type });
      }
      const format = type === 'application/x-ndjson' || type === 'application/jsonl' ? 'ndjson' : 'auto';
      // :TRICKY: the whole body is parsed into calls before anything is stored (holdUntilEnd), so a
      // request that is cut off, goes over the limit or turns out not to be CDRs stores nothing:
      // storing batch by batch as the body streamed committed the first batches of a request that
      // then failed, and the client could not know which. Memory is bounded by the body limit (a
      // call takes about as much memory as its CDR's text), and the store still gets
      // batch-sized transactions once the body has ended.
      // Fastify hands no stream at all for a body of zero bytes.
      if (request.body === undefined || request.body === null) throw notCdrs('empty');
      const body = limitBytes(request.body as NodeJS.ReadableStream, INGEST_BODY_LIMIT);
      // A large body is read whole and parsed on a worker thread (ingest-workers.ts), so the event
      // loop stays free for other requests; a small one streams through the reader here.
      // Only a plain count of bytes is trusted (Node's parser allows no other, inject does: 1e400).
      const length = request.headers['content-length'];
      const declared = typeof length === 'string' && /^\d{1,15}$/.test(length) ? Number(length) : 0;
      const records =
        declared >= WORKER_MIN_BYTES
          ? once(await workers.records(await readInto(body, declared), format, request.account))
          : readRecordBatches(body, format, { strict: true });
      const result = await ingestRecords(records, {
        store: app.ctx.store,
        accountId: request.account,
        zoneOf: app.ctx.zones.zoneOf,
        holdUntilEnd: true,
      });
      return success(request, {
        accepted: result.accepted,
        duplicates: result.duplicates,
        rejected: result.rejected,
        rejected_count: result.rejectedCount,
        skipped: result.skipped,
      });
    },
  );

  // Kazoo's webhooks send with the hook's `http_verb` (webhooks_util.erl `do_fire`): `post` and
  // `put` carry the payload as JSON or form-encoded (kz_http_util:json_to_querystring), `get` as
  // that same form encoding in the query string. Kazoo counts any answer but 200 as a failure and
  // its disabler then turns the hook off, so all three are accepted.
  const webhook = async (request: FastifyRequest) => {
    const hook = await verifyWebhookToken(app.ctx.store, (request.params as { token: string }).token);
    if (!hook) throw new CallstatsError('ERR_AUTH_INVALID', 'invalid webhook token', { token: 'invalid or revoked' });
    const parsed =
      // HEAD is Fastify's automatic twin of the GET route and reads the same query string.
      request.method === 'GET' || request.method === 'HEAD'
        ? parseWebhookBody(queryOf(request.raw.url ?? ''), 'application/x-www-form-urlencoded')
        : parseWebhookBody(
            typeof request.body === 'string' ? request.body : await readAll(request.body as NodeJS.ReadableStream | undefined),
            String(request.headers['content-type'] ?? 'application/json'),
          );
    if (!parsed.ok) throw new CallstatsError('ERR_CDR', 'invalid CDR', { body: parsed.reason });
    const skip = notACdr(parsed.doc);
    if (skip !== undefined) return success(request, { accepted: 0, duplicates: 0, rejected: [], rejected_count: 0, skipped: 1 });
    const converted = cdrToCall(parsed.doc, { ...webhookAccount(hook), zoneOf: app.ctx.zones.zoneOf });
    const refused = converted.ok ? await adoptSubaccount(app.ctx.store, hook, converted.call.account_id) : converted.reason;
    if (!converted.ok || refused !== undefined) {
      return success(request, {
        accepted: 0,
        duplicates: 0,
        rejected: [{ index: 0, reason: refused }],
        rejected_count: 1,
        skipped: 0,
      });
    }
    const r = await app.ctx.store.insertCalls([converted.call]);
    return success(request, { accepted: r.inserted, duplicates: r.duplicates, rejected: [], rejected_count: 0, skipped: 0 });
  };
  const WEBHOOK_PATH = '/v2/webhooks/:token/channel_destroy';
  app.post(WEBHOOK_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT, ...docOnly(webhookSchema) }, webhook);
  app.put(WEBHOOK_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT, ...docOnly(webhookSchema, 'PUT') }, webhook);
  app.get(WEBHOOK_PATH, docOnly(webhookSchema, 'GET'), webhook);
}

/** The raw query string of a URL (what follows the first `?`), undecoded. */
function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}

function tooLarge(limit: number): CallstatsError {
  return new CallstatsError('ERR_BODY_TOO_LARGE', 'request body too large', { body: `more than ${limit} bytes` });
}

/** The body's chunks, failing with a 413 once more than `limit` bytes came, and with a 400 when the client cut it off. */
async function* limitBytes(stream: NodeJS.ReadableStream, limit: number): AsyncGenerator<Buffer | string> {
  let size = 0;
  // :TRICKY: not `for await (… of stream)`: leaving that loop destroys the stream, and destroying
  // an unfinished request destroys its socket, so the 413 (or 400) could be lost before it was
  // written. The early answer closes the connection itself, lingering (linger.ts).
  const chunks = (stream as Readable).iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer | string>;
  try {
    for await (const c of chunks) {
      size += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
      if (size > limit) throw tooLarge(limit);
      yield c;
    }
  } catch (err) {
    if (err instanceof CallstatsError) throw err;
    throw new CallstatsError('ERR_BODY_CUT', 'request body cut off', {
      body: 'the connection ended before the body did; nothing was stored',
    });
  }
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield value;
}

/** Reads a body of `size` declared bytes into one buffer (no concatenation); the stream ends it, a short one is cut off (limitBytes). */
async function readInto(chunks: AsyncIterable<Buffer | string>, size: number): Promise<Uint8Array> {
  let out = new Uint8Array(size);
  let at = 0;
  for await (const c of chunks) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    if (at + b.length > out.length) {
      // Node's parser holds a body to its Content-Length; should more come, grow (limitBytes caps it).
      const grown = new Uint8Array(Math.max(out.length * 2, at + b.length));
      grown.set(out.subarray(0, at));
      out = grown;
    }
    out.set(b, at);
    at += b.length;
  }
  return at === out.length ? out : out.subarray(0, at);
}

/** Reads a small body whole; our stream parsers bypass Fastify's limit, so it is enforced here. */
async function readAll(stream: NodeJS.ReadableStream | undefined, limit = WEBHOOK_BODY_LIMIT): Promise<string> {
  if (stream === undefined) return '';
  const chunks: Buffer[] = [];
  for await (const c of limitBytes(stream, limit)) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}
