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

/** How one credential table (api_keys or webhook_tokens) is read and written (keys.ts). */
interface TableAccess<T> {
  insert(hosts: readonly Connection[], record: T): Promise<void>;
  get(conn: Connection, id: string): Promise<T | undefined>;
  list(conn: Connection): Promise<T[]>;
  revoke(conn: Connection, hosts: readonly Connection[], id: string): Promise<boolean>;
}

/**
 * One credential table with the records last read from it, by id (loaded by init, kept current by
 * every successful look-up): what checks fall back to while the store does not answer, so a forged
 * token is a 401 even then (docs/clickhouse.md, "Faults").
 */
class CachedTable<T extends { id: string; revoked: boolean }> {
  private cache: Map<string, T> | undefined;

  constructor(
    private readonly target: CredentialTarget,
    private readonly access: TableAccess<T>,
  ) {}

  async insert(record: T): Promise<void> {
    const hosts = await this.target.hosts();
    await this.target.write(() => this.access.insert(hosts, record));
    this.cache?.set(record.id, record);
  }

  async get(id: string): Promise<T | undefined> {
    // Known down: answer from the cache at once, so the request's own query can still use its timeout.
    if (this.target.health.down && this.cache) return this.cache.get(id);
    try {
      const record = await this.access.get(this.target.conn, id);
      if (record) this.cache?.set(id, record);
      else this.cache?.delete(id);
      return record;
    } catch (err) {
      if (!isUnavailable(err) || !this.cache) throw err;
      return this.cache.get(id);
    }
  }

  async list(): Promise<T[]> {
    await this.target.health.ready();
    const list = await this.access.list(this.target.conn);
    this.cache = new Map(list.map((r) => [r.id, r]));
    return list;
  }

  async revoke(id: string): Promise<boolean> {
    const hosts = await this.target.hosts();
    const revoked = await this.target.write(() => this.access.revoke(this.target.conn, hosts, id));
    const cached = this.cache?.get(id);
    if (cached) this.cache!.set(id, { ...cached, revoked: true });
    return revoked;
  }
}

/** Keys, webhook tokens and reseller links of the store. */
export class Credentials {
  readonly keys: CachedTable<ApiKeyRecord>;
  readonly webhookTokens: CachedTable<WebhookTokenRecord>;
  /** Reseller links this process has read or written (`account parent`): a webhook of a known link writes nothing. */
  private readonly knownParents = new Set<string>();

  constructor(private readonly target: CredentialTarget) {
    this.keys = new CachedTable(target, { insert: keys.insertKey, get: keys.getKey, list: keys.listKeys, revoke: keys.revokeKey });
    this.webhookTokens = new CachedTable(target, {
      insert: keys.insertWebhookToken,
      get: keys.getWebhookToken,
      list: keys.listWebhookTokens,
      revoke: keys.revokeWebhookToken,
    });
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
