import { CALL_COLUMN_DEFS, CALLS_SCHEMA_VERSION, columnsAddedIn, type CallColumnDef } from '../../core/call.js';

/** DuckDB's type of a calls column (core/call.ts), with NOT NULL where the registry says so. */
export function duckdbColumnType(c: CallColumnDef): string {
  const type = { text: 'VARCHAR', direction: 'VARCHAR', int32: 'INTEGER', int64: 'BIGINT', boolean: 'BOOLEAN' }[c.kind];
  return c.nullable ? type : `${type} NOT NULL`;
}

/** The version that split calls into `calls_sorted` and `calls_tail` behind a `calls` view. */
const SPLIT_VERSION = 5;

/** The version that keyed sorted runs by month and recorded them in `sorted_runs` (maintenance.ts). */
const RUNS_VERSION = 6;

/**
 * The first and last partitions: a call before 1970 counts in January 1970, one after 2099 in
 * December 2099. Ingest bounds call_time to 1970–2100 (SPEC 4), but calls stored by other paths may
 * hold any Int64 (report/time-bounds.ts), and `make_timestamp` of one past ±2^63 µs fails: one
 * such call in the tail made every maintenance step fail, so fresh calls were never sorted again.
 */
export const PARTITION_FIRST = 197001;
export const PARTITION_LAST = 209912;

/** call_time within the partitions' months (report/time-bounds.ts CALL_TIME_MIN and CALL_TIME_MAX). */
const PARTITION_TIME = 'least(greatest(call_time, 0), 4102444799)';

/**
 * A call's partition, its UTC month as yyyymm: a run never spans two (maintenance.ts says why).
 * Only placement: which run a call sits in is speed, never an answer.
 */
export const PARTITION_SQL = `(year(make_timestamp(${PARTITION_TIME} * 1000000)) * 100 + month(make_timestamp(${PARTITION_TIME} * 1000000)))`;

/** The registry's columns as of schema `version`, in table order. */
function columnsUpTo(version: number): readonly CallColumnDef[] {
  return CALL_COLUMN_DEFS.filter((c) => c.since <= version);
}

function names(version: number): string {
  return columnsUpTo(version)
    .map((c) => c.name)
    .join(', ');
}

/** The `calls` view over both tables, with the columns of schema `version` (both tables have them in this order). */
function callsView(version: number): string {
  return `CREATE OR REPLACE VIEW calls AS SELECT ${names(version)} FROM calls_sorted UNION ALL SELECT ${names(version)} FROM calls_tail`;
}

/**
 * Version v's new registry columns on `tables`, nullable, so every stored call reads NULL for them
 * (ALTER TABLE ... ADD COLUMN is a metadata change in DuckDB: no rewrite of the calls).
 */
function addedColumns(version: number, tables: readonly string[]): string[] {
  return tables.flatMap((t) =>
    columnsAddedIn(version).map((c) => `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${c.name} ${duckdbColumnType(c)}`),
  );
}

/** The migrations after the split come from the column registry: both tables gain the column, the view is re-made. */
function laterColumnMigrations(): string[][] {
  for (const v of [SPLIT_VERSION, RUNS_VERSION])
    if (columnsAddedIn(v).length > 0) throw new Error(`schema ${v} adds no columns: give new columns a later 'since'`);
  const out: string[][] = [];
  for (let v = RUNS_VERSION + 1; v <= CALLS_SCHEMA_VERSION; v++) {
    out.push([...addedColumns(v, ['calls_sorted', 'calls_tail']), callsView(v)]);
  }
  return out;
}

/**
 * DuckDB schema and migrations. Each migration is a list of statements applied in one
 * transaction; `schema_version` records the last one applied. Never edit a released migration:
 * add a new one.
 */
export const MIGRATIONS: readonly (readonly string[])[] = [
  // 1: first release.
  [
    `CREATE TABLE calls (
      account_id VARCHAR NOT NULL,
      call_id VARCHAR NOT NULL,
      call_time BIGINT NOT NULL,
      call_direction VARCHAR NOT NULL,
      caller_id_name VARCHAR,
      caller_id_number VARCHAR,
      callee_id_number VARCHAR,
      caller_zone_id INTEGER,
      callee_zone_id INTEGER,
      duration_seconds INTEGER NOT NULL,
      billing_seconds INTEGER NOT NULL,
      ringing_seconds INTEGER,
      unanswered BOOLEAN NOT NULL,
      hangup_cause VARCHAR,
      PRIMARY KEY (account_id, call_id)
    )`,
    `CREATE TABLE zones (
      id INTEGER PRIMARY KEY,
      prefix VARCHAR NOT NULL,
      country VARCHAR NOT NULL,
      description VARCHAR NOT NULL,
      source VARCHAR NOT NULL,
      active BOOLEAN NOT NULL
    )`,
    `CREATE TABLE api_keys (
      id VARCHAR PRIMARY KEY,
      account VARCHAR NOT NULL,
      secret_hash VARCHAR NOT NULL,
      created_at BIGINT NOT NULL,
      revoked BOOLEAN NOT NULL,
      label VARCHAR
    )`,
    `CREATE TABLE webhook_tokens (
      id VARCHAR PRIMARY KEY,
      account VARCHAR NOT NULL,
      secret_hash VARCHAR NOT NULL,
      created_at BIGINT NOT NULL,
      revoked BOOLEAN NOT NULL
    )`,
  ],
  // 2: bookkeeping for compaction (how many calls were in sorted order after the last one).
  [`CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value BIGINT NOT NULL)`, `INSERT INTO store_meta VALUES ('sorted_rows', 0)`],
  // 3: no key index on calls. Inserting into the (account_id, call_id) ART cost ~67 us a call at
  // 10M calls and grew with the table; duplicates are now found by an anti-join at insert time
  // (writes.ts insertCalls). The rewrite also leaves the calls sorted, as compact() would.
  [
    `CREATE TABLE calls_v3 (
      account_id VARCHAR NOT NULL,
      call_id VARCHAR NOT NULL,
      call_time BIGINT NOT NULL,
      call_direction VARCHAR NOT NULL,
      caller_id_name VARCHAR,
      caller_id_number VARCHAR,
      callee_id_number VARCHAR,
      caller_zone_id INTEGER,
      callee_zone_id INTEGER,
      duration_seconds INTEGER NOT NULL,
      billing_seconds INTEGER NOT NULL,
      ringing_seconds INTEGER,
      unanswered BOOLEAN NOT NULL,
      hangup_cause VARCHAR
    )`,
    `INSERT INTO calls_v3 SELECT * FROM calls ORDER BY account_id, call_time, call_id`,
    `DROP TABLE calls`,
    `ALTER TABLE calls_v3 RENAME TO calls`,
    `UPDATE store_meta SET value = (SELECT count(*) FROM calls) WHERE key = 'sorted_rows'`,
  ],
  // 4: the columns the registry added in 4 (interaction_id, resource_type, ...), on the one calls table.
  addedColumns(4, ['calls']),
  // 5: sorted calls and a small unsorted tail, read as one view (maintenance.ts says why). The
  // calls stored since the last compaction move to the tail, so the next maintenance step sorts
  // them: until schema 5 calls were only appended (migration 3 and compact rewrote whole tables),
  // so row ids are dense and those calls are the rows from `sorted_rows` on.
  [
    `ALTER TABLE calls RENAME TO calls_sorted`,
    `CREATE TABLE calls_tail (${columnsUpTo(5)
      .map((c) => `${c.name} ${duckdbColumnType(c)}`)
      .join(', ')})`,
    `INSERT INTO calls_tail SELECT ${names(5)} FROM calls_sorted WHERE rowid >= (SELECT value FROM store_meta WHERE key = 'sorted_rows') ORDER BY rowid`,
    `DELETE FROM calls_sorted WHERE rowid >= (SELECT value FROM store_meta WHERE key = 'sorted_rows')`,
    callsView(5),
  ],
  // 6: runs keyed by month (maintenance.ts). Each sorted call names its run (`run`, not in the
  // view); `sorted_runs` lists each run's calls per UTC month, so the merge policy reads a few
  // hundred rows, never the calls. The calls sorted before are run 0, one entry per month.
  [
    `ALTER TABLE calls_sorted ADD COLUMN run BIGINT DEFAULT 0`,
    `CREATE TABLE sorted_runs (run BIGINT NOT NULL, part INTEGER NOT NULL, calls BIGINT NOT NULL, PRIMARY KEY (run, part))`,
    `INSERT INTO sorted_runs SELECT 0, ${PARTITION_SQL} AS part, count(*) FROM calls_sorted GROUP BY part`,
  ],
  // 7 and later: each version's new registry columns, on both tables, and the view over them.
  ...laterColumnMigrations(),
];

export const SCHEMA_VERSION = MIGRATIONS.length;
