import type { Call } from '../../core/call.js';
import type { Zone } from '../../core/zone.js';
import type {
  AccountCount,
  AccountParent,
  ApiKeyRecord,
  BackupResult,
  PruneResult,
  ColumnChunk,
  CompiledSql,
  InsertResult,
  NumberZone,
  Store,
  WebhookTokenRecord,
  ZoneNumberColumn,
  StagedCalls,
} from '../store.js';
import type { Mutex } from '../mutex.js';
import { Credentials } from './credentials.js';
import { Database, type DuckDBStoreOptions } from './database.js';
import { duckdbAccountCounts, duckdbExportCalls } from './export-calls.js';
import { moveTail, TAIL_COUNT_SQL, type MaintenanceResult } from './maintenance.js';
import { Reads } from './reads.js';
import { Writes } from './writes.js';
import { GroupCommit } from './group-commit.js';
import { stagingDir } from './csv-batch-file.js';
import * as zones from './zones.js';
import { backupDuckDB } from './backup.js';
import { pruneCalls } from './prune.js';
import { CALL_TIME_SCAN_SQL } from './call-time-range.js';

export type { DuckDBStoreOptions } from './database.js';

/**
 * The embedded store: one DuckDB file. One process may open it for writing at a time (DuckDB's
 * rule); see docs/architecture.md for how the CLI reaches a running server instead. This class only
 * routes: lifecycle and reopen in database.ts, the read pool and prepared statements in reads.ts,
 * writes in writes.ts, maintenance (sorting new calls) in maintenance.ts, zones in zones.ts, keys and tokens in credentials.ts.
 */
export class DuckDBStore implements Store {
  readonly dialect = 'duckdb' as const;
  private readonly db: Database;
  private readonly reads: Reads;
  private readonly writes: Writes;
  private readonly credentials: Credentials;
  private readonly groupCommit: GroupCommit;

  constructor(
    readonly path: string,
    options: DuckDBStoreOptions = {},
  ) {
    this.db = new Database(path, options);
    this.reads = new Reads(this.db);
    this.writes = new Writes(this.db);
    this.credentials = new Credentials(this.reads, this.writes);
    this.groupCommit = new GroupCommit(this.writes);
  }

  /** How long the last reopen after a fatal error took (ms), for operators and tests (which reset it). */
  get lastReopenMs(): number | undefined {
    return this.db.lastReopenMs;
  }
  set lastReopenMs(ms: number | undefined) {
    this.db.lastReopenMs = ms;
  }

  /** The one write lock (tests hold it to stand for a long maintenance write). */
  get writeLock(): Mutex {
    return this.db.writeLock;
  }

  init(): Promise<void> {
    return this.db.init();
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** Big batches amortise the duplicate check's scan (writes.ts insertCalls). */
  readonly importBatchSize = 100_000;

  insertCalls(calls: readonly Call[]): Promise<InsertResult> {
    return this.groupCommit.insert(calls);
  }

  stagingDir(): string {
    return stagingDir(this.db.path);
  }

  insertStaged(batch: StagedCalls): Promise<InsertResult> {
    return this.writes.insertCsvBatch(batch);
  }

  /** One incremental maintenance step (maintenance.ts): the tail becomes sorted runs, small runs merge; ingest does not wait. */
  compact(maxRunRows?: number, merge?: boolean): Promise<MaintenanceResult> {
    return moveTail(this.db, maxRunRows, merge);
  }

  prune(before: number, accountId?: string, dryRun = false): Promise<PruneResult> {
    return pruneCalls(this.db, this.writes, before, accountId ?? undefined, dryRun);
  }

  backup(dir: string): Promise<BackupResult> {
    return backupDuckDB(this.db, dir);
  }

  callTimeRange(): Promise<[number, number] | undefined> {
    return this.db.callTimes.range(async () => {
      const [row] = await this.all({ sql: CALL_TIME_SCAN_SQL, params: [] });
      return row === undefined || row.lo === null || row.hi === null ? undefined : [Number(row.lo), Number(row.hi)];
    });
  }

  async unsortedCalls(): Promise<number> {
    const [row] = await this.all({ sql: TAIL_COUNT_SQL, params: [] });
    return Number(row.n);
  }

  async countCalls(accountId?: string): Promise<number> {
    const rows = accountId
      ? await this.all({ sql: 'SELECT count(*) AS n FROM calls WHERE account_id = $1', params: [accountId] })
      : await this.all({ sql: 'SELECT count(*) AS n FROM calls', params: [] });
    return Number(rows[0].n);
  }

  accountCounts(): Promise<AccountCount[]> {
    return duckdbAccountCounts(this);
  }

  exportCalls(accountId: string, signal?: AbortSignal): AsyncIterable<Call> {
    return duckdbExportCalls(this, accountId, signal);
  }

  listZones(): Promise<Zone[]> {
    return zones.listZones(this.reads);
  }

  saveZones(list: readonly Zone[]): Promise<void> {
    return zones.saveZones(this.writes, list);
  }

  distinctNumbers(column: ZoneNumberColumn): Promise<string[]> {
    return zones.distinctNumbers(this.reads, column);
  }

  applyZones(column: ZoneNumberColumn, map: readonly NumberZone[]): Promise<number> {
    return zones.applyZones(this.writes, column, map);
  }

  insertKey(key: ApiKeyRecord): Promise<void> {
    return this.credentials.insertKey(key);
  }

  getKey(id: string): Promise<ApiKeyRecord | undefined> {
    return this.credentials.getKey(id);
  }

  listKeys(): Promise<ApiKeyRecord[]> {
    return this.credentials.listKeys();
  }

  revokeKey(id: string): Promise<boolean> {
    return this.credentials.revokeKey(id);
  }

  insertWebhookToken(token: WebhookTokenRecord): Promise<void> {
    return this.credentials.insertWebhookToken(token);
  }

  getWebhookToken(id: string): Promise<WebhookTokenRecord | undefined> {
    return this.credentials.getWebhookToken(id);
  }

  listWebhookTokens(): Promise<WebhookTokenRecord[]> {
    return this.credentials.listWebhookTokens();
  }

  revokeWebhookToken(id: string): Promise<boolean> {
    return this.credentials.revokeWebhookToken(id);
  }

  addAccountParent(link: AccountParent): Promise<void> {
    return this.credentials.addAccountParent(link);
  }

  listAccountParents(): Promise<AccountParent[]> {
    return this.credentials.listAccountParents();
  }

  all(query: CompiledSql): Promise<Record<string, unknown>[]> {
    return this.reads.all(query);
  }

  allAtMost(query: CompiledSql, maxRows: number): Promise<ColumnChunk[] | undefined> {
    return this.reads.chunksAtMost(query, maxRows);
  }

  stream(query: CompiledSql, signal?: AbortSignal): AsyncIterable<Record<string, unknown>> {
    return this.reads.stream(query, signal);
  }

  streamText(query: CompiledSql, signal?: AbortSignal): AsyncIterable<string> {
    return this.reads.streamText(query, signal);
  }

  streamChunks(query: CompiledSql, signal?: AbortSignal): AsyncIterable<ColumnChunk> {
    return this.reads.streamChunks(query, signal);
  }
}
