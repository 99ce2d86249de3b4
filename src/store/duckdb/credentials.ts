/** API keys and webhook tokens on the embedded store, with the in-memory cache key checks read. */
import type { AccountParent, ApiKeyRecord, WebhookTokenRecord } from '../store.js';
import type { Reads } from './reads.js';
import type { Writes } from './writes.js';

/**
 * The reseller model's schema (docs/accounts.md), run at every open after the versioned migrations:
 * each statement is idempotent, so it needs no version of its own and adds nothing to an old store
 * but a column with its default and an empty table.
 */
export const ACCOUNT_SCHEMA: readonly string[] = [
  'ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS subaccounts BOOLEAN DEFAULT false',
  'ALTER TABLE webhook_tokens ADD COLUMN IF NOT EXISTS subaccounts BOOLEAN DEFAULT false',
  `CREATE TABLE IF NOT EXISTS account_parents (
    account_id VARCHAR NOT NULL,
    parent_id VARCHAR NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, parent_id)
  )`,
];

/**
 * API keys and webhook tokens, read once: this process is the file's only writer, so every change
 * passes through insertKey/revokeKey/insertWebhookToken and is applied to the cache too.
 */
export class Credentials {
  private keys: Map<string, ApiKeyRecord> | undefined;
  private webhookTokens: Map<string, WebhookTokenRecord> | undefined;
  /** Recorded reseller links by `account_id parent_id`: a webhook of a known link writes nothing. */
  private parents: Map<string, AccountParent> | undefined;
  /** Counts key and token writes, so a load that raced with one is read again. */
  private writes = 0;

  constructor(
    private readonly reads: Reads,
    private readonly writer: Writes,
  ) {}

  async insertKey(key: ApiKeyRecord): Promise<void> {
    await this.writer.transaction((w) =>
      w.run(
        'INSERT INTO api_keys (id, account, secret_hash, created_at, revoked, label, subaccounts) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [key.id, key.account, key.secret_hash, key.created_at, key.revoked, key.label, key.subaccounts === true],
      ),
    );
    this.writes++;
    this.keys?.set(key.id, { ...key });
  }

  /**
   * All rows of a credentials table as a map by id, handed to `install` when no key or token was
   * written while they were read.
   * :TRICKY: a write that lands during the read (its cache update skipped, the map not being there
   * yet) would be lost, and a lost revocation is a hole: such a read is done again. The check and
   * `install` run in one synchronous step, so no write can slip between them.
   */
  private async load<T extends { id: string }>(table: 'api_keys' | 'webhook_tokens', install: (m: Map<string, T>) => void): Promise<void> {
    for (;;) {
      const writes = this.writes;
      const rows = (await this.reads.all({ sql: `SELECT * FROM ${table}`, params: [] })) as unknown as T[];
      if (writes === this.writes) return install(new Map(rows.map((r) => [r.id, r])));
    }
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    if (!this.keys) await this.load<ApiKeyRecord>('api_keys', (m) => (this.keys ??= m));
    const key = this.keys!.get(id);
    return key && { ...key };
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    return (await this.reads.all({ sql: 'SELECT * FROM api_keys ORDER BY created_at, id', params: [] })) as unknown as ApiKeyRecord[];
  }

  async revokeKey(id: string): Promise<boolean> {
    const result = await this.writer.transaction((w) => w.run('UPDATE api_keys SET revoked = true WHERE id = $1 AND NOT revoked', [id]));
    this.writes++;
    const key = this.keys?.get(id);
    if (key) key.revoked = true;
    return Number(result.rowsChanged) > 0;
  }

  async insertWebhookToken(token: WebhookTokenRecord): Promise<void> {
    await this.writer.transaction((w) =>
      w.run('INSERT INTO webhook_tokens (id, account, secret_hash, created_at, revoked, subaccounts) VALUES ($1, $2, $3, $4, $5, $6)', [
        token.id,
        token.account,
        token.secret_hash,
        token.created_at,
        token.revoked,
        token.subaccounts === true,
      ]),
    );
    this.writes++;
    this.webhookTokens?.set(token.id, { ...token });
  }

  async getWebhookToken(id: string): Promise<WebhookTokenRecord | undefined> {
    if (!this.webhookTokens) await this.load<WebhookTokenRecord>('webhook_tokens', (m) => (this.webhookTokens ??= m));
    const token = this.webhookTokens!.get(id);
    return token && { ...token };
  }

  async listWebhookTokens(): Promise<WebhookTokenRecord[]> {
    return (await this.reads.all({
      sql: 'SELECT * FROM webhook_tokens ORDER BY created_at, id',
      params: [],
    })) as unknown as WebhookTokenRecord[];
  }

  async revokeWebhookToken(id: string): Promise<boolean> {
    const result = await this.writer.transaction((w) =>
      w.run('UPDATE webhook_tokens SET revoked = true WHERE id = $1 AND NOT revoked', [id]),
    );
    this.writes++;
    const token = this.webhookTokens?.get(id);
    if (token) token.revoked = true;
    return Number(result.rowsChanged) > 0;
  }

  async addAccountParent(link: AccountParent): Promise<void> {
    const parents = await this.parentLinks();
    const known = `${link.account_id} ${link.parent_id}`;
    if (parents.has(known)) return;
    await this.writer.transaction((w) =>
      w.run('INSERT OR IGNORE INTO account_parents VALUES ($1, $2, $3)', [link.account_id, link.parent_id, link.created_at]),
    );
    this.writes++;
    if (!parents.has(known)) parents.set(known, { ...link });
  }

  async listAccountParents(): Promise<AccountParent[]> {
    const links = [...(await this.parentLinks()).values()].map((l) => ({ ...l }));
    return links.sort((a, b) => cmp(a.account_id, b.account_id) || cmp(a.parent_id, b.parent_id));
  }

  /** The links by `account_id parent_id`, read once (the same race rule as `load`). */
  private async parentLinks(): Promise<Map<string, AccountParent>> {
    while (!this.parents) {
      const writes = this.writes;
      const rows = await this.reads.all({ sql: 'SELECT account_id, parent_id, created_at FROM account_parents', params: [] });
      if (writes !== this.writes) continue;
      this.parents = new Map(
        rows.map((r) => [
          `${String(r.account_id)} ${String(r.parent_id)}`,
          { account_id: String(r.account_id), parent_id: String(r.parent_id), created_at: Number(r.created_at) },
        ]),
      );
    }
    return this.parents;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
