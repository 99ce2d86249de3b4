import type { ClickHouseSettings } from '@clickhouse/client';
import type { Call } from '../../core/call.js';
import type { Zone } from '../../core/zone.js';
import type { ApiKeyRecord, CompiledSql, InsertResult, NumberZone, Store, WebhookTokenRecord } from '../store.js';
import { Connection } from './connection.js';
import { localTable, type Layout } from './ddl.js';
import { insertCallsIdempotent } from './insert.js';
import * as keys from './keys.js';
import { Mutex } from './mutex.js';
import { migrate } from './schema.js';
import { bindParams, quoteString } from './sql-literal.js';
import { parseClickHouseUrl, type ClickHouseLocation } from './url.js';
import * as zones from './zones.js';

/** The ClickHouse store: one server, or a cluster of MergeTree shards behind Distributed tables. */
export class ClickHouseStore implements Store {
  readonly dialect = 'clickhouse' as const;
  readonly location: ClickHouseLocation;
  private readonly conn: Connection;
  private readonly layout: Layout;
  private readonly writes = new Mutex();
  /** Every server of the store (just `conn` for a single server); resolved on first use. */
  private hostList: Connection[] | undefined;

  /** `url`: `clickhouse://HOST:PORT/DATABASE[?cluster=NAME[&hosts=HOST:PORT,...]]`. */
  constructor(url: string) {
    this.location = parseClickHouseUrl(url);
    const { database, cluster } = this.location;
    this.layout = cluster ? { database, cluster } : { database };
    this.conn = this.connect(this.location.url, database);
  }

  async init(): Promise<void> {
    const hosts = await this.hosts();
    for (const host of hosts) {
      const admin = this.connect(host.url, 'default');
      try {
        await migrate(admin, host, this.layout);
      } finally {
        await admin.close();
      }
    }
  }

  async close(): Promise<void> {
    const others = (this.hostList ?? []).filter((h) => h !== this.conn);
    await Promise.all([this.conn.close(), ...others.map((h) => h.close())]);
  }

  /**
   * Each batch's duplicate check reads the batch's accounts in call_ids, a scan that grows with the
   * store: fewer, bigger batches make a bulk import's checks 10x fewer (~40 MB of TSV per insert).
   */
  readonly importBatchSize = 100_000;

  insertCalls(calls: readonly Call[]): Promise<InsertResult> {
    if (calls.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
    const insertSettings: ClickHouseSettings = this.layout.cluster ? { insert_distributed_sync: 1 } : {};
    return this.writes.run(() => insertCallsIdempotent({ conn: this.conn, insertSettings }, calls));
  }

  async countCalls(accountId?: string): Promise<number> {
    const where = accountId === undefined ? '' : ` WHERE account_id = ${quoteString(accountId)}`;
    const [{ n }] = await this.conn.rows<{ n: number }>(`SELECT count() AS n FROM calls${where}`);
    return Number(n);
  }

  listZones(): Promise<Zone[]> {
    return zones.listZones(this.conn);
  }

  async saveZones(list: readonly Zone[]): Promise<void> {
    const hosts = await this.hosts();
    await this.writes.run(() => zones.saveZones(this.conn, hosts, list));
  }

  async distinctNumbers(column: 'caller_id_number' | 'callee_id_number'): Promise<string[]> {
    const rows = await this.conn.rows<{ n: string }>(
      `SELECT DISTINCT ${numberColumn(column)} AS n FROM calls WHERE n IS NOT NULL ORDER BY n`,
    );
    return rows.map((r) => r.n);
  }

  async applyZones(column: 'caller_id_number' | 'callee_id_number', map: readonly NumberZone[]): Promise<number> {
    const hosts = await this.hosts();
    const target = { conn: this.conn, hosts, database: this.layout.database, localCalls: localTable(this.layout, 'calls') };
    return this.writes.run(() => zones.applyZones(target, numberColumn(column), map));
  }

  async insertKey(key: ApiKeyRecord): Promise<void> {
    await keys.insertKey(await this.hosts(), key);
  }

  getKey(id: string): Promise<ApiKeyRecord | undefined> {
    return keys.getKey(this.conn, id);
  }

  listKeys(): Promise<ApiKeyRecord[]> {
    return keys.listKeys(this.conn);
  }

  async revokeKey(id: string): Promise<boolean> {
    const hosts = await this.hosts();
    return this.writes.run(() => keys.revokeKey(this.conn, hosts, id));
  }

  async insertWebhookToken(token: WebhookTokenRecord): Promise<void> {
    await keys.insertWebhookToken(await this.hosts(), token);
  }

  getWebhookToken(id: string): Promise<WebhookTokenRecord | undefined> {
    return keys.getWebhookToken(this.conn, id);
  }

  listWebhookTokens(): Promise<WebhookTokenRecord[]> {
    return keys.listWebhookTokens(this.conn);
  }

  all(query: CompiledSql): Promise<Record<string, unknown>[]> {
    return this.conn.rows(toSql(query));
  }

  stream(query: CompiledSql, signal?: AbortSignal): AsyncIterable<Record<string, unknown>> {
    return this.conn.stream(toSql(query), signal);
  }

  /** The HTTP endpoints of every server: from the URL's `hosts`, else from system.clusters. */
  private async hosts(): Promise<Connection[]> {
    if (this.hostList) return this.hostList;
    const { cluster, hosts, database } = this.location;
    if (!cluster) return (this.hostList = [this.conn]);
    let urls = hosts;
    if (!urls) {
      // :TRICKY: system.clusters lists TCP ports only; every server is assumed to serve HTTP on the
      // URL's port. Clusters with other HTTP ports list them in the URL's `hosts` option.
      const port = new URL(this.location.url).port;
      const protocol = new URL(this.location.url).protocol;
      const rows = await this.conn.rows<{ host: string }>(
        `SELECT DISTINCT host_address AS host FROM system.clusters WHERE cluster = ${quoteString(cluster)} ORDER BY host`,
      );
      urls = rows.map((r) => `${protocol}//${r.host.includes(':') ? `[${r.host}]` : r.host}:${port}`);
    }
    if (urls.length === 0) throw new Error(`cluster '${cluster}' is not in system.clusters of ${this.location.url}`);
    this.hostList = urls.map((u) => (u === this.location.url ? this.conn : this.connect(u, database)));
    return this.hostList;
  }

  private connect(url: string, database: string): Connection {
    return new Connection(url, database, this.location.username, this.location.password);
  }
}

function numberColumn(column: string): 'caller_id_number' | 'callee_id_number' {
  // The column name is pasted into SQL: accept only the two the interface names.
  if (column !== 'caller_id_number' && column !== 'callee_id_number') throw new Error(`not a number column: ${column}`);
  return column;
}

function toSql(query: CompiledSql): string {
  // :TRICKY: the compiler's ClickHouse SQL carries its values as literals and no parameters; scanning it
  // for `?` would be wasted work and would trip over text the scanner does not model, so it goes as is.
  const sql = query.params.length === 0 ? query.sql : bindParams(query.sql, query.params);
  return sql.replace(/;\s*$/, '');
}
