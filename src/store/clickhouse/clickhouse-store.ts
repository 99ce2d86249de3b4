import type { ClickHouseSettings } from '@clickhouse/client';
import type { Call } from '../../core/call.js';
import type { Zone } from '../../core/zone.js';
import { CALL_SELECT, callFromRow } from '../call-rows.js';
import { canonicalRow } from '../canonical-row.js';
import type {
  AccountCount,
  AccountParent,
  ApiKeyRecord,
  CompiledSql,
  InsertResult,
  NumberZone,
  PruneResult,
  Store,
  WebhookTokenRecord,
  ZoneNumberColumn,
} from '../store.js';
import { Connection } from './connection.js';
import { localTable, type Layout } from './ddl.js';
import { DEFAULT_QUERY_TIMEOUT_MS, timeoutError } from './faults.js';
import { Health } from './health.js';
import { insertCallsIdempotent } from './insert.js';
import { Credentials } from './credentials.js';
import { Mutex } from '../mutex.js';
import { initSchema } from './schema.js';
import { clickhouseString } from './literal.js';
import { bindParams } from './bind-params.js';
import { parseClickHouseUrl, type ClickHouseLocation } from './url.js';
import * as zones from './zones.js';
import { pruneClickHouse } from './prune.js';

export interface ClickHouseStoreOptions {
  /**
   * `CALLSTATS_QUERY_TIMEOUT` in ms (default 30 s): the longest any caller waits for the store (queries,
   * inserts, streams between rows, key look-ups) before a 503.
   */
  queryTimeoutMs?: number;
}

const MAINTENANCE_TIMEOUT_MS = 10 * 60_000;

/** The ClickHouse store: one server, or a cluster of MergeTree shards behind Distributed tables. */
export class ClickHouseStore implements Store {
  readonly dialect = 'clickhouse' as const;
  readonly location: ClickHouseLocation;
  /** `SELECT version()` of the server the store talks to (read by init): the dialect's version gates. */
  engineVersion: string | undefined;
  private readonly conn: Connection;
  /**
   * The same server for the CLI's whole-table maintenance reads (`distinctNumbers`, re-zoning counts),
   * which may legitimately run for minutes on a large store: bounded by 10 minutes, not the query timeout.
   */
  private readonly maintenance: Connection;
  private readonly layout: Layout; // `replicated` is filled in by init
  private readonly writes = new Mutex();
  private readonly timeoutMs: number;
  private readonly health: Health;
  /** Every server of the store (just `conn` for a single server); resolved on first use. */
  private hostList: Connection[] | undefined;
  /** Keys, webhook tokens and reseller links, with their caches (credentials.ts). */
  private readonly credentials: Credentials;

  /** `url`: `clickhouse://HOST:PORT/DATABASE[?cluster=NAME[&hosts=HOST:PORT,...]]`. */
  constructor(url: string, opts: ClickHouseStoreOptions = {}) {
    this.location = parseClickHouseUrl(url);
    const { database, cluster } = this.location;
    this.layout = cluster ? { database, cluster } : { database };
    this.timeoutMs = opts.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    this.health = new Health(async () => {
      await this.conn.rows('SELECT 1');
    });
    this.conn = this.connect(this.location.url, database);
    this.maintenance = new Connection(
      this.location.url,
      database,
      this.location.username,
      this.location.password,
      MAINTENANCE_TIMEOUT_MS,
      this.health,
    );
    this.credentials = new Credentials({
      conn: this.conn,
      health: this.health,
      hosts: () => this.hosts(),
      write: (task) => this.write(task),
    });
  }

  async init(): Promise<void> {
    // Schema set-up is not a request: it gets the maintenance bound, not CALLSTATS_QUERY_TIMEOUT.
    await initSchema(await this.hosts(), this.layout, (url, database) => this.connect(url, database, MAINTENANCE_TIMEOUT_MS));
    await Promise.all([this.listKeys(), this.listWebhookTokens()]);
    const [{ v }] = await this.conn.rows<{ v: string }>('SELECT version() AS v');
    this.engineVersion = v;
  }

  async close(): Promise<void> {
    const others = (this.hostList ?? []).filter((h) => h !== this.conn);
    await Promise.all([this.conn.close(), this.maintenance.close(), ...others.map((h) => h.close())]);
  }

  /**
   * Each batch's duplicate check reads the batch's accounts in call_ids, a scan that grows with the
   * store: fewer, bigger batches make a bulk import's checks 10x fewer (~40 MB of TSV per insert).
   */
  readonly importBatchSize = 100_000;

  async insertCalls(calls: readonly Call[]): Promise<InsertResult> {
    if (calls.length === 0) return { inserted: 0, duplicates: 0 };
    const insertSettings: ClickHouseSettings = this.layout.cluster ? { insert_distributed_sync: 1 } : {};
    return this.write(() => insertCallsIdempotent({ conn: this.conn, insertSettings }, calls));
  }

  async countCalls(accountId?: string): Promise<number> {
    await this.health.ready();
    const where = accountId === undefined ? '' : ` WHERE account_id = ${clickhouseString(accountId)}`;
    const [{ n }] = await this.conn.rows<{ n: number }>(`SELECT count() AS n FROM calls${where}`);
    return Number(n);
  }

  async accountCounts(): Promise<AccountCount[]> {
    await this.health.ready();
    const rows = await this.maintenance.rows<{ account_id: string; n: number }>(
      'SELECT account_id, count() AS n FROM calls GROUP BY account_id ORDER BY account_id',
    );
    return rows.map((r) => ({ account: r.account_id, calls: Number(r.n) }));
  }

  async *exportCalls(accountId: string, signal?: AbortSignal): AsyncIterable<Call> {
    await this.health.ready();
    const sql = `SELECT ${CALL_SELECT} FROM calls WHERE account_id = ${clickhouseString(accountId)} ORDER BY call_time, call_id`;
    for await (const row of this.conn.stream(sql, signal)) yield callFromRow(canonicalRow(row));
  }

  async listZones(): Promise<Zone[]> {
    await this.health.ready();
    return zones.listZones(this.conn);
  }

  async saveZones(list: readonly Zone[]): Promise<void> {
    const hosts = await this.hosts();
    await this.write(() => zones.saveZones(this.conn, hosts, list));
  }

  async distinctNumbers(column: ZoneNumberColumn): Promise<string[]> {
    await this.health.ready();
    const rows = await this.maintenance.rows<{ n: string }>(
      `SELECT DISTINCT ${numberColumn(column)} AS n FROM calls WHERE n IS NOT NULL ORDER BY n`,
    );
    return rows.map((r) => r.n);
  }

  async applyZones(column: ZoneNumberColumn, map: readonly NumberZone[]): Promise<number> {
    await this.health.ready();
    const hosts = await this.hosts();
    const target = { conn: this.maintenance, hosts, database: this.layout.database, localCalls: localTable(this.layout, 'calls') };
    return this.writes.run(() => zones.applyZones(target, numberColumn(column), map));
  }

  /** Retention (store.ts); a mutation, not bounded by the query timeout. */
  async prune(before: number, accountId?: string, dryRun = false): Promise<PruneResult> {
    await this.health.ready();
    const hosts = await this.hosts();
    return this.writes.run(() =>
      pruneClickHouse({ conn: this.maintenance, hosts, layout: this.layout }, before, accountId ?? undefined, dryRun),
    );
  }

  insertKey(key: ApiKeyRecord): Promise<void> {
    return this.credentials.keys.insert(key);
  }

  getKey(id: string): Promise<ApiKeyRecord | undefined> {
    return this.credentials.keys.get(id);
  }

  listKeys(): Promise<ApiKeyRecord[]> {
    return this.credentials.keys.list();
  }

  revokeKey(id: string): Promise<boolean> {
    return this.credentials.keys.revoke(id);
  }

  insertWebhookToken(token: WebhookTokenRecord): Promise<void> {
    return this.credentials.webhookTokens.insert(token);
  }

  getWebhookToken(id: string): Promise<WebhookTokenRecord | undefined> {
    return this.credentials.webhookTokens.get(id);
  }

  listWebhookTokens(): Promise<WebhookTokenRecord[]> {
    return this.credentials.webhookTokens.list();
  }

  revokeWebhookToken(id: string): Promise<boolean> {
    return this.credentials.webhookTokens.revoke(id);
  }

  addAccountParent(link: AccountParent): Promise<void> {
    return this.credentials.addAccountParent(link);
  }

  listAccountParents(): Promise<AccountParent[]> {
    return this.credentials.listAccountParents();
  }

  async all(query: CompiledSql): Promise<Record<string, unknown>[]> {
    await this.health.ready();
    return (await this.conn.rows(toSql(query))).map(canonicalRow);
  }

  async *stream(query: CompiledSql, signal?: AbortSignal): AsyncIterable<Record<string, unknown>> {
    await this.health.ready();
    for await (const row of this.conn.stream(toSql(query), signal)) yield canonicalRow(row);
  }

  /**
   * Runs a write under the write mutex, and answers `storeTimeout` when it has not finished within
   * `timeoutMs` (waiting for earlier writes included). A write that has not started by then is dropped.
   *
   * :TRICKY: a write that has started is not cut when the caller stops waiting. Its INSERT may already sit
   * in a frozen server's socket buffer and be completed later; if the lock were released meanwhile, a
   * re-send could pass the duplicate check before that INSERT lands and store the calls twice. So the
   * write keeps the lock until the server answers it (or its socket dies), and the re-send's check runs
   * after it: re-sending stays idempotent. Reads are not behind this lock and keep answering.
   */
  private async write<T>(task: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    await this.health.ready();
    const work = this.writes.run(() => {
      if (Date.now() >= deadline) return Promise.reject(timeoutError(this.timeoutMs, this.location.url));
      return task();
    });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutError(this.timeoutMs, this.location.url)), Math.max(0, deadline - Date.now()));
    });
    work.catch(() => undefined); // an abandoned write's own failure has nobody left to tell
    return Promise.race([work, expired]).finally(() => clearTimeout(timer));
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
        `SELECT DISTINCT host_address AS host FROM system.clusters WHERE cluster = ${clickhouseString(cluster)} ORDER BY host`,
      );
      urls = rows.map((r) => `${protocol}//${r.host.includes(':') ? `[${r.host}]` : r.host}:${port}`);
    }
    if (urls.length === 0) throw new Error(`cluster '${cluster}' is not in system.clusters of ${this.location.url}`);
    this.hostList = urls.map((u) => (u === this.location.url ? this.conn : this.connect(u, database)));
    return this.hostList;
  }

  private connect(url: string, database: string, timeoutMs = this.timeoutMs): Connection {
    return new Connection(url, database, this.location.username, this.location.password, timeoutMs, this.health);
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
