import type { FastifyInstance, FastifyRequest } from 'fastify';
import { keyAllows, verifyApiKey } from '../accounts/tokens.js';
import { CallstatsError } from '../core/errors.js';

const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The token a request presents: Kazoo's `X-Auth-Token`, or a bearer token. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-auth-token'];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return undefined;
}

/**
 * Authenticates every `/v2/accounts/:account/...` request. A key scoped to another account gets
 * 403 whether or not the account exists, so keys learn nothing about other accounts.
 */
export function registerAccountAuth(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const account = (request.params as { account?: string } | undefined)?.account;
    if (account === undefined || !request.routeOptions.url?.startsWith('/v2/accounts/')) return;
    const token = presentedToken(request);
    if (!token) throw new CallstatsError('ERR_AUTH_MISSING', 'missing X-Auth-Token', 401, { 'X-Auth-Token': 'required' });
    const key = await verifyApiKey(app.ctx.store, token);
    if (!key) throw new CallstatsError('ERR_AUTH_INVALID', 'invalid credentials', 401, { 'X-Auth-Token': 'invalid or revoked' });
    if (!ACCOUNT_ID.test(account) || !keyAllows(key, account)) {
      throw new CallstatsError('ERR_FORBIDDEN', 'forbidden', 403, { account: 'this key may not access this account' });
    }
    request.account = account;
  });
}
