import type { Call } from '../core/call.js';
import type { Zone } from '../core/zone.js';

/** SQL text with its bound parameters, in the dialect of one engine. */
export interface CompiledSql {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** What storing a batch did. Within-batch repeats and calls already stored both count as duplicates. */
export interface InsertResult {
  inserted: number;
  duplicates: number;
}

/** An API key as stored: only the hash of its secret is kept. */
export interface ApiKeyRecord {
  id: string;
  /** One account id, or `*` for all accounts. */
  account: string;
  /** sha256 hex of the secret part of the token. */
  secret_hash: string;
  created_at: number;
  revoked: boolean;
  label: string | null;
  /** Also reads every recorded descendant of `account` (Kazoo's reseller model); absent means false. */
  subaccounts?: boolean;
}

/** A per-account webhook token: it only authorises ingest for that account. */
export interface WebhookTokenRecord {
  id: string;
  account: string;
  secret_hash: string;
  created_at: number;
  revoked: boolean;
  /** Stores each CDR under its payload's account and records `account` as that account's parent; absent means false. */
  subaccounts?: boolean;
}

/** A recorded reseller link: `parent_id` (a subaccount webhook's account) is a parent of `account_id`. */
export interface AccountParent {
  account_id: string;
  parent_id: string;
  /** When the link was first recorded (Unix seconds). */
  created_at: number;
}

/** The two number columns a call is zoned by. */
export type ZoneNumberColumn = 'caller_id_number' | 'callee_id_number';

/** How many calls one account holds. */
export interface AccountCount {
  account: string;
  calls: number;
}

/** One stored number and the zone it is tagged with, for re-zoning. */
export interface NumberZone {
  number: string;
  zone_id: number | null;
}

/** What `prune` removed (or, with `dryRun`, would remove). */
export interface PruneResult {
  /** Calls that started before the cut (of the one account, when given). */
  deleted: number;
  dryRun: boolean;
  /** Bytes of the store's files before and after (embedded store; absent where the engine does not say). */
  bytesBefore?: number;
  bytesAfter?: number;
  seconds: number;
}

/** A consistent copy of the embedded store, written by `backup`. */
export interface BackupResult {
  /** The directory holding the copy (absolute). */
  dir: string;
  /** Files written, relative to `dir`. */
  files: string[];
  bytes: number;
  calls: number;
  seconds: number;
}

/**
 * Calls already encoded for the engine's bulk reader (DuckDB: store/duckdb/call-csv.ts) and staged
 * in a file, with the accounts and call_time range they touch (for the duplicate check, and for
 * anything that must know what a write changed).
 */
export interface StagedCalls {
  file: string;
  /** Encoded lines, repeats of one call included. */
  calls: number;
  /** The longest line's bytes. */
  maxLineBytes: number;
  /** Distinct account ids of the batch. */
  accounts: string[];
  minCallTime: number;
  maxCallTime: number;
}

/**
 * The storage contract. Every engine (DuckDB embedded, ClickHouse) implements it; callers never
 * see engine types. Queries come in as compiled SQL from the one compiler (src/sql), so an engine
 * only has to run them.
 */
export interface Store {
  readonly dialect: 'duckdb' | 'clickhouse';
  /** The engine's version once `init` ran (ClickHouse: `SELECT version()`), for the dialect's version gates. */
  readonly engineVersion?: string;
  /** Creates or migrates the schema to the current version. */
  init(): Promise<void>;
  close(): Promise<void>;

  /** Stores calls idempotently on (account_id, call_id); durable when the promise resolves. */
  insertCalls(calls: readonly Call[]): Promise<InsertResult>;
  /** Calls per insertCalls that a bulk import should send (the engine's sweet spot); default 10,000. */
  readonly importBatchSize?: number;
  /** Where `insertStaged` batches are written (DuckDB only: beside the store file, so a full disk is the store's). */
  stagingDir?(): string;
  /** Stores a staged batch exactly as insertCalls would its calls, then deletes the file; the batch names what it touches. */
  insertStaged?(batch: StagedCalls): Promise<InsertResult>;
  countCalls(accountId?: string): Promise<number>;
  /** Calls per account, ordered by account id (migration's resume point and count check). */
  accountCounts(): Promise<AccountCount[]>;
  /** Streams one account's stored calls in (call_time, call_id) order, as Calls: the same from every engine. */
  exportCalls(accountId: string, signal?: AbortSignal): AsyncIterable<Call>;

  listZones(): Promise<Zone[]>;
  /**
   * Inserts zones with new ids; a known id takes the new `description`, `source` and `active` (its
   * prefix and country never change). A re-imported rate deck that takes over a default zone makes it
   * `custom` (zones/ids.ts), which the matcher prefers and the next `replace` import may retire.
   */
  saveZones(zones: readonly Zone[]): Promise<void>;
  /** Every distinct caller or callee number stored, for re-zoning. */
  distinctNumbers(column: ZoneNumberColumn): Promise<string[]>;
  /** Re-tags stored calls: sets the zone column of every call whose number is in `map`. Returns calls changed. */
  applyZones(column: ZoneNumberColumn, map: readonly NumberZone[]): Promise<number>;

  insertKey(key: ApiKeyRecord): Promise<void>;
  getKey(id: string): Promise<ApiKeyRecord | undefined>;
  listKeys(): Promise<ApiKeyRecord[]>;
  revokeKey(id: string): Promise<boolean>;
  insertWebhookToken(token: WebhookTokenRecord): Promise<void>;
  getWebhookToken(id: string): Promise<WebhookTokenRecord | undefined>;
  listWebhookTokens(): Promise<WebhookTokenRecord[]>;
  /** Revokes an active webhook token: true only when this call revoked it; the next request with it is a 401. */
  revokeWebhookToken(id: string): Promise<boolean>;
  /** Records a reseller link; recording a known link again changes nothing. Durable when the promise resolves. */
  addAccountParent(link: AccountParent): Promise<void>;
  /** Every recorded link, ordered by account_id then parent_id. */
  listAccountParents(): Promise<AccountParent[]>;

  /**
   * Optional maintenance: rewrites the calls in (account_id, call_time) order so per-account
   * time ranges read few blocks. Engines that keep that order themselves (ClickHouse) omit it.
   */
  compact?(): Promise<{ rows: number; seconds: number; merges?: number; mergedRows?: number }>;
  /** Calls stored since the last compaction (0 where compaction does not apply). */
  unsortedCalls?(): Promise<number>;
  /**
   * Retention: deletes the calls that started before `before` (UTC epoch seconds), of one account
   * or of all, and gives their space back (DuckDB rewrites the table; ClickHouse runs a mutation).
   * With `dryRun`, only counts them.
   */
  prune?(before: number, accountId?: string, dryRun?: boolean): Promise<PruneResult>;
  /** Writes a consistent snapshot of the store into `dir` (absent or empty): the embedded store only. */
  backup?(dir: string): Promise<BackupResult>;

  /**
   * A range [lo, hi] that holds the call_time of every stored call (it may be wider), undefined when
   * the store holds none; without it, callers read the tables' own range (stats-sql.ts
   * tableRangeQuery). DuckDB keeps it in the process (duckdb/call-time-range.ts says why).
   */
  callTimeRange?(): Promise<[number, number] | undefined>;
  /** Runs a read query and returns all rows in the canonical form (canonical-row.ts). */
  all(query: CompiledSql): Promise<Record<string, unknown>[]>;
  /**
   * A read query's whole result as the engine's column chunks, when it has at most `maxRows`
   * rows; else undefined. No row is turned into an object (that is what costs: report/statistics.ts
   * aggregates raw rows from these columns and leaves larger results to the engine). Values are
   * the engine's own (a BIGINT is a bigint), not the canonical form. Embedded engines only.
   */
  allAtMost?(query: CompiledSql, maxRows: number): Promise<ColumnChunk[] | undefined>;
  /** Streams the rows of a read query in the canonical form; aborting `signal` stops the query. */
  stream(query: CompiledSql, signal?: AbortSignal): AsyncIterable<Record<string, unknown>>;
  /**
   * Streams a query whose one column is text (whole CSV lines), as the concatenation of many
   * rows at a time: no per-row object or async step. Engines without it are read through `stream`.
   */
  streamText?(query: CompiledSql, signal?: AbortSignal): AsyncIterable<string>;
  /**
   * Streams a read query's result a chunk of rows at a time, as the engine's own column vectors:
   * no per-row object. A chunk is valid only until the next one is asked for.
   */
  streamChunks?(query: CompiledSql, signal?: AbortSignal): AsyncIterable<ColumnChunk>;
}

/** Rows of a result as columns (DuckDB's data chunk): `column(i).getItem(row)` is one value. */
export interface ColumnChunk {
  readonly rowCount: number;
  getColumnVector(column: number): { getItem(row: number): unknown };
}
