/**
 * Schema of the ClickHouse store and its migrations. Every statement runs unchanged on 18.16 and on
 * current releases, and is idempotent (IF NOT EXISTS), so a migration cut short by a crash re-runs.
 */

/** Table names as seen by queries; in cluster mode `calls`/`call_ids` are Distributed tables over `*_local`. */
export interface Layout {
  database: string;
  /** Cluster name; absent for one server. */
  cluster?: string;
  /**
   * The cluster's shards have replicas (system.clusters lists more than one per shard): the call tables
   * are ReplicatedReplacingMergeTree, coordinated by the servers' ZooKeeper, and DDL runs ON CLUSTER.
   */
  replicated?: boolean;
}

/**
 * The ENGINE of a call table: ReplacingMergeTree, or its replicated form under the ZooKeeper path of
 * the server's `{shard}` macro with its `{replica}` name. Inserting the same block into any replica of a
 * shard again is a no-op there (replicated block deduplication), so a re-sent insert cannot double-count.
 */
export function callTableEngine(layout: Layout, table: string): string {
  if (!layout.replicated) return 'ReplacingMergeTree';
  return `ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${layout.database}/${table}', '{replica}')`;
}

export const SCHEMA_VERSION = 1;

/** Columns of the calls table, in CALL_COLUMNS order. */
export const CALLS_COLUMNS_DDL = `
  account_id String,
  call_id String,
  call_time Int64,
  call_direction Enum8('inbound' = 1, 'outbound' = 2),
  caller_id_name Nullable(String),
  caller_id_number Nullable(String),
  callee_id_number Nullable(String),
  caller_zone_id Nullable(Int32),
  callee_zone_id Nullable(Int32),
  duration_seconds Int32,
  billing_seconds Int32,
  ringing_seconds Nullable(Int32),
  unanswered UInt8,
  hangup_cause Nullable(String)`;

/** The table that stores rows on this server: the table itself, or its `_local` shard in cluster mode. */
export function localTable(layout: Layout, table: 'calls' | 'call_ids'): string {
  return layout.cluster ? `${table}_local` : table;
}

export const SCHEMA_VERSION_DDL = `CREATE TABLE IF NOT EXISTS schema_version (
  version UInt32,
  applied_at Int64
) ENGINE = MergeTree ORDER BY version`;

/** Statements of one migration, run on every server of the store (each server holds the small tables). */
export interface Migration {
  version: number;
  statements(layout: Layout): string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: (layout) => {
      const calls = localTable(layout, 'calls');
      const callIds = localTable(layout, 'call_ids');
      const statements = [
        // ReplacingMergeTree is only a safety net (docs/clickhouse.md, "Idempotency": writers in several processes):
        // exactness comes from the dedupe on insert, so queries never need FINAL.
        `CREATE TABLE IF NOT EXISTS ${calls} (${CALLS_COLUMNS_DDL}
) ENGINE = ${callTableEngine(layout, calls)}
PARTITION BY toYYYYMM(toDateTime(call_time, 'UTC'))
ORDER BY (account_id, call_time, call_id)`,
        // Which calls are stored, keyed so that "which of these call ids exist" reads few granules.
        `CREATE TABLE IF NOT EXISTS ${callIds} (
  account_id String,
  call_id String,
  call_time Int64
) ENGINE = ${callTableEngine(layout, callIds)}
ORDER BY (account_id, call_id, call_time)`,
        `CREATE TABLE IF NOT EXISTS zone_versions (
  id Int32,
  prefix String,
  country String,
  description String,
  source String,
  active UInt8,
  version UInt64
) ENGINE = MergeTree ORDER BY (id, version)`,
        // One row per zone id: the latest version. Queries join this view, never zone_versions.
        `CREATE VIEW IF NOT EXISTS zones AS SELECT
  id,
  argMax(prefix, version) AS prefix,
  argMax(country, version) AS country,
  argMax(description, version) AS description,
  argMax(source, version) AS source,
  argMax(active, version) AS active
FROM zone_versions GROUP BY id`,
        `CREATE TABLE IF NOT EXISTS api_keys (
  id String,
  account String,
  secret_hash String,
  created_at Int64,
  revoked UInt8,
  label Nullable(String),
  version UInt64
) ENGINE = MergeTree ORDER BY (id, version)`,
        `CREATE TABLE IF NOT EXISTS webhook_tokens (
  id String,
  account String,
  secret_hash String,
  created_at Int64,
  revoked UInt8,
  version UInt64
) ENGINE = MergeTree ORDER BY (id, version)`,
      ];
      if (layout.cluster) {
        // Sharded by account: all calls of an account, and their ids, live on one shard, so the dedupe
        // check and per-account statistics stay shard-local.
        for (const table of ['calls', 'call_ids']) {
          statements.push(
            `CREATE TABLE IF NOT EXISTS ${table} AS ${layout.database}.${table}_local
ENGINE = Distributed(${layout.cluster}, ${layout.database}, ${table}_local, cityHash64(account_id))`,
          );
        }
      }
      return statements;
    },
  },
];
