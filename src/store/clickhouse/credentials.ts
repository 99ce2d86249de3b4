/**
 * API keys, webhook tokens and reseller links on the ClickHouse store, with the caches key checks
 * fall back to while the store does not answer (the SQL is in keys.ts).
 */
import type { AccountParent, ApiKeyRecord, WebhookTokenRecord } from '../store.js';
import type { Connection } from './connection.js';
import { isUnavailable } from './faults.js';
import type { Health } from './health.js';
import * as keys from './keys.js';

/** What the credential methods need of the store: its connection, health, servers and write path. */
export interface CredentialTarget {
  conn: Connection;
  health: Health;
  hosts(): Promise<Connection[]>;
  /** The store's write: under the write mutex and bounded by the query timeout. */
  write<T>(task: () => Promise<T>): Promise<T>;
}

export class Credentials {
  /**
   * The keys and webhook tokens last read from the store, by id (loaded by init, kept current by every
   * successful look-up): what key checks fall back to while the store does not answer, so a forged
   * token is a 401 even then (docs/clickhouse.md, "Faults").
   */
  private keyCache: Map<string, ApiKeyRecord> | undefined;
  private tokenCache: Map<string, WebhookTokenRecord> | undefined;
  /** Reseller links this process has read or written (`account parent`): a webhook of a known link writes nothing. */
  private readonly knownParents = new Set<string>();

  constructor(private readonly target: CredentialTarget) {}

  async insertKey(key: ApiKeyRecord): Promise<void> {
    const hosts = await this.target.hosts();
    await this.target.write(() => keys.insertKey(hosts, key));
    this.keyCache?.set(key.id, key);
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    // Known down: answer from the cache at once, so the request's own query can still use its timeout.
    if (this.target.health.down && this.keyCache) return this.keyCache.get(id);
    try {
      const key = await keys.getKey(this.target.conn, id);
      if (key) this.keyCache?.set(id, key);
      else this.keyCache?.delete(id);
      return key;
    } catch (err) {
      if (!isUnavailable(err) || !this.keyCache) throw err;
      return this.keyCache.get(id);
    }
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    await this.target.health.ready();
    const list = await keys.listKeys(this.target.conn);
    this.keyCache = new Map(list.map((k) => [k.id, k]));
    return list;
  }

  async revokeKey(id: string): Promise<boolean> {
    const hosts = await this.target.hosts();
    const revoked = await this.target.write(() => keys.revokeKey(this.target.conn, hosts, id));
    const cached = this.keyCache?.get(id);
    if (cached) this.keyCache!.set(id, { ...cached, revoked: true });
    return revoked;
  }

  async insertWebhookToken(token: WebhookTokenRecord): Promise<void> {
    const hosts = await this.target.hosts();
    await this.target.write(() => keys.insertWebhookToken(hosts, token));
    this.tokenCache?.set(token.id, token);
  }

  async getWebhookToken(id: string): Promise<WebhookTokenRecord | undefined> {
    if (this.target.health.down && this.tokenCache) return this.tokenCache.get(id);
    try {
      const token = await keys.getWebhookToken(this.target.conn, id);
      if (token) this.tokenCache?.set(id, token);
      else this.tokenCache?.delete(id);
      return token;
    } catch (err) {
      if (!isUnavailable(err) || !this.tokenCache) throw err;
      return this.tokenCache.get(id);
    }
  }

  async listWebhookTokens(): Promise<WebhookTokenRecord[]> {
    await this.target.health.ready();
    const list = await keys.listWebhookTokens(this.target.conn);
    this.tokenCache = new Map(list.map((t) => [t.id, t]));
    return list;
  }

  async revokeWebhookToken(id: string): Promise<boolean> {
    const hosts = await this.target.hosts();
    const revoked = await this.target.write(() => keys.revokeWebhookToken(this.target.conn, hosts, id));
    const cached = this.tokenCache?.get(id);
    if (cached) this.tokenCache!.set(id, { ...cached, revoked: true });
    return revoked;
  }

  async addAccountParent(link: AccountParent): Promise<void> {
    const known = `${link.account_id} ${link.parent_id}`;
    if (this.knownParents.has(known)) return;
    const hosts = await this.target.hosts();
    await this.target.write(() => keys.addAccountParent(hosts, link));
    this.knownParents.add(known);
  }

  async listAccountParents(): Promise<AccountParent[]> {
    await this.target.health.ready();
    const links = await keys.listAccountParents(this.target.conn);
    for (const l of links) this.knownParents.add(`${l.account_id} ${l.parent_id}`);
    return links;
  }
}
