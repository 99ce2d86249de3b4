/**
 * API keys and webhook tokens. Rows are never changed in place: a revocation appends a row with
 * revoked = 1, and reads take the latest row per id (argMax by version) and max(revoked), so a
 * revocation is visible to the next read without waiting for a merge or using FINAL.
 */
import type { AccountParent, ApiKeyRecord, WebhookTokenRecord } from '../store.js';
import { writeAll, type Connection } from './connection.js';
import { clickhouseString } from './literal.js';
import { tsvString } from './tsv.js';
import { nextVersion } from './versions.js';

const KEY_COLUMNS = ['id', 'account', 'secret_hash', 'created_at', 'revoked', 'label', 'version', 'subaccounts'];
const TOKEN_COLUMNS = ['id', 'account', 'secret_hash', 'created_at', 'revoked', 'version', 'subaccounts'];

/**
 * The reseller model's schema (docs/accounts.md), brought about at every open after the versioned
 * migrations on every server: a `subaccounts` flag on both credential tables (added only when
 * missing — 18.16 has no `ADD COLUMN IF NOT EXISTS`) and the table of recorded links.
 */
export async function ensureAccountSchema(conn: Connection): Promise<void> {
  for (const table of ['api_keys', 'webhook_tokens']) {
    const [{ n }] = await conn.rows<{ n: number }>(
      `SELECT count() AS n FROM system.columns WHERE database = currentDatabase() AND table = '${table}' AND name = 'subaccounts'`,
    );
    if (Number(n) === 0) await conn.command(`ALTER TABLE ${table} ADD COLUMN subaccounts UInt8 DEFAULT 0`);
  }
  await conn.command(`CREATE TABLE IF NOT EXISTS account_parents (
  account_id String,
  parent_id String,
  created_at Int64
) ENGINE = ReplacingMergeTree ORDER BY (account_id, parent_id)`);
}

const KEY_SELECT = `SELECT id,
  argMax(account, version) AS account,
  argMax(secret_hash, version) AS secret_hash,
  argMax(created_at, version) AS created_at,
  max(revoked) AS revoked,
  argMax(label, version) AS label,
  argMax(subaccounts, version) AS subaccounts
FROM api_keys`;

const TOKEN_SELECT = `SELECT id,
  argMax(account, version) AS account,
  argMax(secret_hash, version) AS secret_hash,
  argMax(created_at, version) AS created_at,
  max(revoked) AS revoked,
  argMax(subaccounts, version) AS subaccounts
FROM webhook_tokens`;

interface KeyRow {
  id: string;
  account: string;
  secret_hash: string;
  created_at: number;
  revoked: number;
  label: string | null;
  subaccounts: number;
}

interface TokenRow {
  id: string;
  account: string;
  secret_hash: string;
  created_at: number;
  revoked: number;
  subaccounts: number;
}

function keyTsv(key: ApiKeyRecord): string {
  const label = key.label === null ? '\\N' : tsvString(key.label);
  return (
    [
      tsvString(key.id),
      tsvString(key.account),
      tsvString(key.secret_hash),
      String(Math.trunc(key.created_at)),
      key.revoked ? '1' : '0',
      label,
      String(nextVersion()),
      key.subaccounts === true ? '1' : '0',
    ].join('\t') + '\n'
  );
}

function tokenTsv(token: WebhookTokenRecord): string {
  return (
    [
      tsvString(token.id),
      tsvString(token.account),
      tsvString(token.secret_hash),
      String(Math.trunc(token.created_at)),
      token.revoked ? '1' : '0',
      String(nextVersion()),
      token.subaccounts === true ? '1' : '0',
    ].join('\t') + '\n'
  );
}

function toKey(row: KeyRow): ApiKeyRecord {
  return { ...row, revoked: Number(row.revoked) === 1, created_at: Number(row.created_at), subaccounts: Number(row.subaccounts) === 1 };
}

function toToken(row: TokenRow): WebhookTokenRecord {
  return { ...row, revoked: Number(row.revoked) === 1, created_at: Number(row.created_at), subaccounts: Number(row.subaccounts) === 1 };
}

export async function insertKey(hosts: readonly Connection[], key: ApiKeyRecord): Promise<void> {
  await writeAll(hosts, 'api_keys', KEY_COLUMNS, keyTsv(key));
}

export async function getKey(conn: Connection, id: string): Promise<ApiKeyRecord | undefined> {
  const rows = await conn.rows<KeyRow>(`${KEY_SELECT} WHERE id = ${clickhouseString(id)} GROUP BY id`);
  return rows.length ? toKey(rows[0]) : undefined;
}

export async function listKeys(conn: Connection): Promise<ApiKeyRecord[]> {
  const rows = await conn.rows<KeyRow>(`${KEY_SELECT} GROUP BY id ORDER BY created_at, id`);
  return rows.map(toKey);
}

/**
 * Revokes an active key: true only when this call revoked it, false for an unknown or already revoked
 * key (DuckDB's `UPDATE ... WHERE id = $1 AND NOT revoked` changing one row or none). Callers hold the
 * store's write mutex, so two revocations in one process cannot both see the key active.
 */
export async function revokeKey(conn: Connection, hosts: readonly Connection[], id: string): Promise<boolean> {
  const key = await getKey(conn, id);
  if (!key || key.revoked) return false;
  await writeAll(hosts, 'api_keys', KEY_COLUMNS, keyTsv({ ...key, revoked: true }));
  return true;
}

export async function insertWebhookToken(hosts: readonly Connection[], token: WebhookTokenRecord): Promise<void> {
  await writeAll(hosts, 'webhook_tokens', TOKEN_COLUMNS, tokenTsv(token));
}

export async function getWebhookToken(conn: Connection, id: string): Promise<WebhookTokenRecord | undefined> {
  const rows = await conn.rows<TokenRow>(`${TOKEN_SELECT} WHERE id = ${clickhouseString(id)} GROUP BY id`);
  return rows.length ? toToken(rows[0]) : undefined;
}

export async function listWebhookTokens(conn: Connection): Promise<WebhookTokenRecord[]> {
  const rows = await conn.rows<TokenRow>(`${TOKEN_SELECT} GROUP BY id ORDER BY created_at, id`);
  return rows.map(toToken);
}

/** Revokes an active webhook token the way `revokeKey` revokes a key: an appended row with revoked = 1. */
export async function revokeWebhookToken(conn: Connection, hosts: readonly Connection[], id: string): Promise<boolean> {
  const token = await getWebhookToken(conn, id);
  if (!token || token.revoked) return false;
  await writeAll(hosts, 'webhook_tokens', TOKEN_COLUMNS, tokenTsv({ ...token, revoked: true }));
  return true;
}

/** Appends a link on every server; a repeated link is merged away and read once (GROUP BY). */
export async function addAccountParent(hosts: readonly Connection[], link: AccountParent): Promise<void> {
  const row = [tsvString(link.account_id), tsvString(link.parent_id), String(Math.trunc(link.created_at))].join('\t') + '\n';
  await writeAll(hosts, 'account_parents', ['account_id', 'parent_id', 'created_at'], row);
}

export async function listAccountParents(conn: Connection): Promise<AccountParent[]> {
  const rows = await conn.rows<AccountParent>(
    'SELECT account_id, parent_id, min(created_at) AS created_at FROM account_parents GROUP BY account_id, parent_id ORDER BY account_id, parent_id',
  );
  return rows.map((r) => ({ account_id: r.account_id, parent_id: r.parent_id, created_at: Number(r.created_at) }));
}
