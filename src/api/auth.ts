import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accountIdProblem } from '../accounts/account-id.js';
import { keyAllows } from '../accounts/subaccounts.js';
import { verifyApiKey } from '../accounts/tokens.js';
import { CallstatsError } from '../core/errors.js';
import { CONTROL_HEADER, isControlPeer } from '../store/remote/control-channel.js';

/** The token a request presents: Kazoo's `X-Auth-Token`, or a bearer token. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-auth-token'];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return undefined;
}

/**
 * True for the CLI talking to its own server: a loopback client holding the control token that
 * `serve` wrote (mode 0600) beside the store, i.e. someone who could read the store file anyway.
 */
export function isControlRequest(app: FastifyInstance, request: FastifyRequest): boolean {
  return isControlPeer(app.ctx.controlToken, request.headers[CONTROL_HEADER], request.socket.remoteAddress);
}

/** Requests per second per key, and the burst a quiet key may spend at once. */
export interface RateLimit {
  rate: number;
  burst: number;
}

/** `config.rateLimit` (CALLSTATS_RATE_LIMIT) as a token bucket; burst is twice the rate, `0` disables. */
export function rateLimitOf(rate: number): RateLimit | undefined {
  return rate === 0 ? undefined : { rate, burst: Math.max(1, 2 * rate) };
}

// Enough for every real key and client; beyond it the least recently seen bucket is dropped, so
// a flood of made-up tokens costs bounded memory (a dropped bucket only forgets it was spent).
const MAX_BUCKETS = 100_000;

/** Token buckets by key: `take` answers 0 when allowed, else the seconds to wait. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {}

  take(key: string): number {
    const t = this.now();
    let b = this.buckets.get(key);
    if (b) this.buckets.delete(key);
    else {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value as string);
      b = { tokens: this.limit.burst, at: t };
    }
    b.tokens = Math.min(this.limit.burst, b.tokens + (t - b.at) * this.limit.rate);
    b.at = t;
    this.buckets.set(key, b); // re-inserted last: Map order is recency order
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.limit.rate));
  }
}

/**
 * Authenticates every `/v2/accounts/:account/...` request. A key scoped to another account gets
 * 403 whether or not the account exists, so keys learn nothing about other accounts. Requests are
 * rate limited per API key once it is verified, and per client address when no valid key is shown.
 */
export function registerAccountAuth(app: FastifyInstance, limit: RateLimit | undefined): void {
  const buckets = limit ? new TokenBuckets(limit) : undefined;
  const spend = (key: string, reply: FastifyReply) => {
    const wait = buckets?.take(key) ?? 0;
    if (wait === 0) return;
    reply.header('retry-after', String(wait));
    throw new CallstatsError('ERR_RATE_LIMITED', 'rate limited', {
      rate_limit: `more than ${limit!.rate} requests per second; retry after ${wait} s`,
    });
  };

  // Account routes with a token are limited per key once it is verified (preHandler); the rest here.
  app.addHook('onRequest', async (request, reply) => {
    if (!buckets || isControlRequest(app, request)) return;
    const accountRoute = request.routeOptions.url?.startsWith('/v2/accounts/') ?? false;
    if (!accountRoute || presentedToken(request) === undefined) spend(`ip:${request.ip}`, reply);
  });

  app.addHook('preHandler', async (request, reply) => {
    const account = (request.params as { account?: string } | undefined)?.account;
    if (account === undefined || !request.routeOptions.url?.startsWith('/v2/accounts/')) return;
    if (isControlRequest(app, request)) {
      checkAccountId(account);
      request.account = account;
      return;
    }
    const token = presentedToken(request);
    if (!token) throw new CallstatsError('ERR_AUTH_MISSING', 'missing X-Auth-Token', { 'X-Auth-Token': 'required' });
    const key = await verifyApiKey(app.ctx.store, token);
    if (!key) {
      spend(`ip:${request.ip}`, reply);
      throw new CallstatsError('ERR_AUTH_INVALID', 'invalid credentials', { 'X-Auth-Token': 'invalid or revoked' });
    }
    spend(`key:${key.id}`, reply);
    // A malformed id is a 400 for every key: it names no account, so it says nothing about one.
    checkAccountId(account);
    if (!(await keyAllows(app.ctx.store, key, account))) throw forbidden();
    request.account = account;
  });
}

/** A URL's account id must be one as it stands (docs/accounts.md): a typo is a 400, not an empty answer. */
function checkAccountId(account: string): void {
  const problem = accountIdProblem(account);
  if (problem !== undefined) throw new CallstatsError('ERR_ACCOUNT_ID', 'invalid account id', { account_id: problem });
}

function forbidden(): CallstatsError {
  return new CallstatsError('ERR_FORBIDDEN', 'forbidden', { account: 'this key may not access this account' });
}
