import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readableAccounts } from '../../accounts/subaccounts.js';
import { verifyApiKey } from '../../accounts/tokens.js';
import { CallstatsError } from '../../core/errors.js';
import { allFields } from '../../query/fields.js';
import { METRICS } from '../../query/parse-query.js';
import { getDialect } from '../../sql/dialects.js';
import { presentedToken } from '../auth.js';
import { success } from '../envelope.js';
import type { RouteSchema } from '../schemas.js';

const accountsSchema: RouteSchema = {
  summary: 'The accounts this key may read',
  description:
    'A key for one account lists that account; a `--subaccounts` key lists its account and then every recorded descendant, sorted; an all-accounts key (`*`) lists every account the store holds calls for, sorted.',
  tags: ['accounts'],
};

const fieldsSchema: RouteSchema = {
  summary: 'The query vocabulary: filter and grouping fields, and metrics',
  description:
    'Every field a filter may name (its type, whether `grouping` accepts it, the values of enumerated fields) and every name `metrics` accepts, from the registries the parser uses.',
  tags: ['call_statistics'],
};

/** `GET /v2/accounts` (SPEC 7), scoped to the key; and `GET /v2/fields`, the query vocabulary the dashboard reads. */
export default async function accountsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/v2/accounts', { schema: accountsSchema }, async (request) => {
    const key = await requireKey(app, request);
    const readable = await readableAccounts(app.ctx.store, key);
    const ids = readable === '*' ? await storedAccounts(app) : readable;
    return success(
      request,
      ids.map((id) => ({ id })),
    );
  });

  // Public like /openapi.json: it describes the API, not any account's data.
  app.get('/v2/fields', { schema: fieldsSchema }, async (request) =>
    success(request, {
      fields: allFields().map((f) => ({ name: f.name, type: f.type, groupable: f.groupable, ...(f.values ? { values: f.values } : {}) })),
      metrics: [...METRICS],
    }),
  );
}

async function requireKey(app: FastifyInstance, request: FastifyRequest) {
  const token = presentedToken(request);
  if (!token) throw new CallstatsError('ERR_AUTH_MISSING', 'missing X-Auth-Token', { 'X-Auth-Token': 'required' });
  const key = await verifyApiKey(app.ctx.store, token);
  if (!key) throw new CallstatsError('ERR_AUTH_INVALID', 'invalid credentials', { 'X-Auth-Token': 'invalid or revoked' });
  return key;
}

async function storedAccounts(app: FastifyInstance): Promise<string[]> {
  const calls = getDialect(app.ctx.store.dialect).identifier('calls');
  const rows = await app.ctx.store.all({ sql: `SELECT DISTINCT account_id AS id FROM ${calls} ORDER BY id`, params: [] });
  return rows.map((r) => String(r.id));
}
