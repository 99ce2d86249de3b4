/**
 * API keys and webhook tokens. Rows are never changed in place: a revocation appends a row with
 * revoked = 1, and reads take the latest row per id (argMax by version) and max(revoked), so a
 * revocation is visible to the next read without waiting for a merge or using FINAL.
 */
import type { ApiKeyRecord, WebhookTokenRecord } from '../store.js';
import { writeAll, type Connection } from './connection.js';
import { clickhouseString } from './literal.js';
import { tsvString } from './tsv.js';
import { nextVersion } from './versions.js';

const KEY_COLUMNS = ['id', 'account', 'secret_hash', 'created_at', 'revoked', 'label', 'version'];
const TOKEN_COLUMNS = ['id', 'account', 'secret_hash', 'created_at', 'revoked', 'version'];

const KEY_SELECT = `SELECT id,
  argMax(account, version) AS account,
  argMax(secret_hash, version) AS secret_hash,
  argMax(created_at, version) AS created_at,
  max(revoked) AS revoked,
  argMax(label, version) AS label
FROM api_keys`;

const TOKEN_SELECT = `SELECT id,
  argMax(account, version) AS account,
  argMax(secret_hash, version) AS secret_hash,
  argMax(created_at, version) AS created_at,
  max(revoked) AS revoked
FROM webhook_tokens`;

interface KeyRow {
  id: string;
  account: string;
  secret_hash: string;
  created_at: number;
  revoked: number;
  label: string | null;
}

interface TokenRow {
  id: string;
  account: string;
  secret_hash: string;
  created_at: number;
  revoked: number;
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
    ].join('\t') + '\n'
  );
}

function toKey(row: KeyRow): ApiKeyRecord {
  return { ...row, revoked: Number(row.revoked) === 1, created_at: Number(row.created_at) };
}

function toToken(row: TokenRow): WebhookTokenRecord {
  return { ...row, revoked: Number(row.revoked) === 1, created_at: Number(row.created_at) };
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
