import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord, Store, WebhookTokenRecord } from '../store/store.js';

/**
 * Tokens look like `<id>.<secret>`: the id finds the record, the secret is checked against its
 * stored sha256 in constant time. Secrets are 32 random bytes, so a fast hash is enough (no
 * password stretching needed) and nothing that could recreate a token is ever stored.
 */
export interface IssuedToken {
  id: string;
  token: string;
}

const ID_PATTERN = /^[a-f0-9]{16}$/;

function issue(): { id: string; secret: string; token: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `${id}.${secret}` };
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Splits a presented token; undefined when it cannot be one of ours. */
function split(token: string): { id: string; secret: string } | undefined {
  const dot = token.indexOf('.');
  if (dot < 0 || token.length > 200) return undefined;
  const id = token.slice(0, dot);
  if (!ID_PATTERN.test(id)) return undefined;
  return { id, secret: token.slice(dot + 1) };
}

function sameHash(secret: string, storedHex: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Creates an API key for one account or `*`; the token is returned once and never stored. */
export async function createApiKey(store: Store, account: string, label: string | null = null, subaccounts = false): Promise<IssuedToken> {
  const { id, secret, token } = issue();
  await store.insertKey({
    id,
    account,
    secret_hash: hashSecret(secret),
    created_at: Math.floor(Date.now() / 1000),
    revoked: false,
    label,
    subaccounts,
  });
  return { id, token };
}

/** The key a token belongs to, if it is valid and not revoked. */
export async function verifyApiKey(store: Store, token: string): Promise<ApiKeyRecord | undefined> {
  const parts = split(token);
  if (!parts) return undefined;
  const key = await store.getKey(parts.id);
  // :TRICKY: hash and compare even when the id is unknown, so timing does not tell ids apart.
  const ok = sameHash(parts.secret, key?.secret_hash ?? '0'.repeat(64));
  return key && ok && !key.revoked ? key : undefined;
}

/** Creates a webhook token for one account; with `subaccounts` it files CDRs under their payload's account (docs/accounts.md). */
export async function createWebhookToken(store: Store, account: string, subaccounts = false): Promise<IssuedToken> {
  const { id, secret, token } = issue();
  await store.insertWebhookToken({
    id,
    account,
    secret_hash: hashSecret(secret),
    created_at: Math.floor(Date.now() / 1000),
    revoked: false,
    subaccounts,
  });
  return { id, token };
}

export async function verifyWebhookToken(store: Store, token: string): Promise<WebhookTokenRecord | undefined> {
  const parts = split(token);
  if (!parts) return undefined;
  const rec = await store.getWebhookToken(parts.id);
  const ok = sameHash(parts.secret, rec?.secret_hash ?? '0'.repeat(64));
  return rec && ok && !rec.revoked ? rec : undefined;
}

/** When the store has no usable keys, creates an all-accounts key and returns its token (printed once by `serve`). */
export async function ensureAdminKey(store: Store): Promise<IssuedToken | undefined> {
  const keys = await store.listKeys();
  if (keys.some((k) => !k.revoked)) return undefined;
  return createApiKey(store, '*', 'admin (created by serve)');
}
