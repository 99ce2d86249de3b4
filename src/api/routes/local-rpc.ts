import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CallstatsError } from '../../core/errors.js';
import { ZoneService } from '../../zones/zone-service.js';
import type { CompiledSql, Store } from '../../store/store.js';
import { isControlRequest } from '../auth.js';
import { RPC_METHODS, type RpcMethod } from '../../store/remote/control-channel.js';

/**
 * The CLI's channel to a running `serve`: DuckDB lets one process write a file, so while the
 * server holds it the CLI forwards its Store calls here. Only loopback clients holding the control
 * token (written, mode 0600, beside the store file) get in: the same people who could read the file.
 */
export default async function localRpcRoutes(app: FastifyInstance): Promise<void> {
  const check = (request: FastifyRequest) => {
    if (!isControlRequest(app, request)) throw new CallstatsError('ERR_NOT_FOUND', 'not found', { path: request.url });
  };

  app.post('/_local/rpc', { bodyLimit: 512 * 1024 * 1024 }, async (request) => {
    check(request);
    const { method, args } = request.body as { method: RpcMethod; args: unknown[] };
    if (!RPC_METHODS.includes(method) || !Array.isArray(args)) {
      throw new CallstatsError('ERR_RPC', 'unknown method', { method: String(method) });
    }
    const store = app.ctx.store as unknown as Record<RpcMethod, ((...a: unknown[]) => Promise<unknown>) | undefined>;
    const fn = store[method];
    if (typeof fn !== 'function') throw new CallstatsError('ERR_RPC', 'not supported by this store', { method });
    let result: unknown;
    try {
      result = await fn.apply(app.ctx.store, args);
    } catch (err) {
      if (err instanceof CallstatsError) throw err;
      // Arguments the store cannot take (a CLI of another version, a bug in the caller) are the
      // caller's error: named, logged, and the server goes on serving (no 500 on any request).
      request.log.warn({ err, method }, 'control call failed');
      throw new CallstatsError('ERR_RPC', `the store could not carry out ${method}`, {
        method,
        reason: (err as Error)?.message ?? String(err),
      });
    }
    // The server's in-memory zone table must follow a zone change made by the CLI.
    if (method === 'saveZones') app.ctx.zones = await ZoneService.open(app.ctx.store, app.ctx.config.defaultCountry);
    return { result: result ?? null };
  });

  app.post('/_local/stream', async (request, reply) => {
    check(request);
    const query = request.body as CompiledSql;
    const abort = new AbortController();
    request.raw.on('close', () => abort.abort());
    reply.type('application/x-ndjson');
    return reply.send(ndjson(app.ctx.store, query, abort.signal));
  });
}

async function* ndjson(store: Store, query: CompiledSql, signal: AbortSignal): AsyncGenerator<string> {
  for await (const row of store.stream(query, signal)) yield JSON.stringify(row) + '\n';
}
