/** API keys and webhook tokens on the embedded store, with the in-memory cache key checks read. */
import type { ApiKeyRecord, WebhookTokenRecord } from '../store.js';
import type { Reads } from './reads.js';
import type { Writes } from './writes.js';

/**
 * API keys and webhook tokens, read once: this process is the file's only writer, so every change
 * passes through insertKey/revokeKey/insertWebhookToken and is applied to the cache too.
 */
export class Credentials {
  private keys: Map<string, ApiKeyRecord> | undefined;
  private webhookTokens: Map<string, WebhookTokenRecord> | undefined;
  /** Counts key and token writes, so a load that raced with one is read again. */
  private writes = 0;

  constructor(
    private readonly reads: Reads,
    private readonly writer: Writes,
  ) {}

  async insertKey(key: ApiKeyRecord): Promise<void> {
    await this.writer.transaction((w) =>
      w.run('INSERT INTO api_keys VALUES ($1, $2, $3, $4, $5, $6)', [
        key.id,
        key.account,
        key.secret_hash,
        key.created_at,
        key.revoked,
        key.label,
      ]),
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
      w.run('INSERT INTO webhook_tokens VALUES ($1, $2, $3, $4, $5)', [
        token.id,
        token.account,
        token.secret_hash,
        token.created_at,
        token.revoked,
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
}
