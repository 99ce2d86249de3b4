import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { buildOpenApi } from '../openapi.js';

const VERSION = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

/** `GET /openapi.json`: the API described from the route schemas; public, like the docs it replaces. */
export default async function openapiRoutes(app: FastifyInstance): Promise<void> {
  let doc: string | undefined;
  app.get('/openapi.json', { schema: { summary: 'this document', tags: ['meta'] } as object }, async (_request, reply) => {
    // Built on first use, when every route has been registered.
    doc ??= JSON.stringify(buildOpenApi(app.routeCatalog, VERSION));
    return reply.type('application/json').send(doc);
  });
}
