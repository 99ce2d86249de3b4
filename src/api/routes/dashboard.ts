import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { CallstatsError } from '../../core/errors.js';
import type { RouteSchema } from '../schemas.js';

/** Where `scripts/build-web.mjs` writes the page: the same path seen from src/ (tsx) and dist/ (built). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../dist/web/public/', import.meta.url));

/**
 * Nothing but this server: no inline script, no remote fonts or CDNs. `data:` images only for the
 * empty favicon, which keeps the browser from asking for /favicon.ico.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const ASSET_NAME = /^[A-Za-z0-9_-]+-[A-Z0-9]{8}\.(js|css)$/;
const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

const pageSchema: RouteSchema = { summary: 'The dashboard (HTML); the API calls it makes send the key typed into it', tags: ['dashboard'] };
const assetSchema: RouteSchema = { summary: 'A content-hashed dashboard asset (JS, CSS)', tags: ['dashboard'] };

export interface DashboardOptions {
  /** Folder holding index.html and assets/ (default: the package's dist/web/public). */
  root?: string;
}

/** `GET /` serves the dashboard built at install time; `GET /assets/*` its content-hashed files. */
export default async function dashboardRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const root = options.root ?? DEFAULT_WEB_ROOT;

  app.get('/', { schema: pageSchema }, async (_request, reply) => {
    const html = await readOrUndefined(join(root, 'index.html'));
    if (html === undefined) throw notBuilt();
    security(reply);
    // :TRICKY: the page must be revalidated so a new build's asset names are picked up at once.
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  });

  app.get('/assets/:file', { schema: assetSchema }, async (request, reply) => {
    const file = (request.params as { file: string }).file;
    const match = ASSET_NAME.exec(file);
    if (!match) throw notFound(file);
    const path = join(root, 'assets', file);
    const gzip = acceptsGzip(request) ? await readOrUndefined(`${path}.gz`) : undefined;
    const body = gzip ?? (await readOrUndefined(path));
    if (body === undefined) throw notFound(file);
    security(reply);
    reply.header('cache-control', 'public, max-age=31536000, immutable').header('vary', 'accept-encoding').type(TYPES[match[1]]);
    if (gzip) reply.header('content-encoding', 'gzip');
    return reply.send(body);
  });
}

function security(reply: FastifyReply): void {
  reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
}

function acceptsGzip(request: FastifyRequest): boolean {
  const accept = request.headers['accept-encoding'];
  return typeof accept === 'string' && /\bgzip\b/.test(accept);
}

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

function notBuilt(): CallstatsError {
  return new CallstatsError('ERR_DASHBOARD_NOT_BUILT', 'dashboard not built', {
    dashboard: 'dist/web/public/index.html is missing: run `npm run build` (the API works without it)',
  });
}

function notFound(file: string): CallstatsError {
  return new CallstatsError('ERR_NOT_FOUND', 'not found', { path: `/assets/${file.slice(0, 200)}` });
}
