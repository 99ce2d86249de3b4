/**
 * The calls column registry: every stored column of a call, its kind, whether it may be missing, and
 * the schema version that added it. The `Call` type, both engines' DDL and migrations, the DuckDB
 * appender, the ClickHouse TSV writer and the row reader all read this one list, so a new stored
 * field is one line here (plus its filter entry in src/query/fields.ts when it is queryable).
 */
const NULLABLE = true;
const NOT_NULL = false;

/**
 * How a column is stored: `text` (VARCHAR / String), `int32`, `int64` (call_time), `boolean`
 * (BOOLEAN / UInt8) and `direction` (inbound/outbound: VARCHAR / Enum8).
 */
export type ColumnKind = 'text' | 'int32' | 'int64' | 'boolean' | 'direction';

/** One stored column of the calls table. */
export interface CallColumnDef {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly nullable: boolean;
  /** Schema version (both engines) that added the column; 1 for the first release's columns. */
  readonly since: number;
}

function column<const N extends string, const K extends ColumnKind, const B extends boolean>(
  name: N,
  kind: K,
  nullable: B,
  since = 1,
): { readonly name: N; readonly kind: K; readonly nullable: B; readonly since: number } {
  return { name, kind, nullable, since };
}

// Order is the tables' column order: a new column goes at the end (an upgraded store appends it there).
export const CALL_COLUMN_DEFS = [
  column('account_id', 'text', NOT_NULL),
  column('call_id', 'text', NOT_NULL),
  /** Call start, UTC epoch seconds (integer). */
  column('call_time', 'int64', NOT_NULL),
  column('call_direction', 'direction', NOT_NULL),
  column('caller_id_name', 'text', NULLABLE),
  column('caller_id_number', 'text', NULLABLE),
  column('callee_id_number', 'text', NULLABLE),
  column('caller_zone_id', 'int32', NULLABLE),
  column('callee_zone_id', 'int32', NULLABLE),
  column('duration_seconds', 'int32', NOT_NULL),
  column('billing_seconds', 'int32', NOT_NULL),
  column('ringing_seconds', 'int32', NULLABLE),
  column('unanswered', 'boolean', NOT_NULL),
  column('hangup_cause', 'text', NULLABLE),
  // Schema 4: Kazoo's own fields (docs/kazoo-calls.md says where each is read from).
  column('interaction_id', 'text', NULLABLE, 4),
  column('other_leg_call_id', 'text', NULLABLE, 4),
  column('bridge_id', 'text', NULLABLE, 4),
  column('resource_type', 'text', NULLABLE, 4),
  column('authorizing_type', 'text', NULLABLE, 4),
  column('authorizing_id', 'text', NULLABLE, 4),
  column('owner_id', 'text', NULLABLE, 4),
  column('hangup_code', 'text', NULLABLE, 4),
  column('disposition', 'text', NULLABLE, 4),
  column('media_server', 'text', NULLABLE, 4),
  column('reseller_id', 'text', NULLABLE, 4),
] as const satisfies readonly CallColumnDef[];

type Def = (typeof CALL_COLUMN_DEFS)[number];
type ValueOf<D extends Def> =
  | (D['kind'] extends 'text'
      ? string
      : D['kind'] extends 'direction'
        ? 'inbound' | 'outbound'
        : D['kind'] extends 'boolean'
          ? boolean
          : number)
  | (D['nullable'] extends true ? null : never);

/** One call as stored: the normalised form of a CDR (SPEC section 4). Times are UTC epoch seconds. */
export type Call = { -readonly [D in Def as D['name']]: ValueOf<D> };

/** Column order of the calls table and of every row handed between layers. */
export const CALL_COLUMNS: readonly CallColumn[] = CALL_COLUMN_DEFS.map((c) => c.name);

/** A column of the calls table. */
export type CallColumn = Def['name'];

/** The kind of value each calls column holds, as the export and records queries see it. */
export const CALL_COLUMN_KINDS = Object.fromEntries(
  CALL_COLUMN_DEFS.map((c) => [c.name, c.kind === 'int32' || c.kind === 'int64' ? 'integer' : c.kind === 'boolean' ? 'boolean' : 'text']),
) as Record<CallColumn, 'text' | 'integer' | 'boolean'>;

/** The current schema version of the calls table: the newest column's `since`. */
export const CALLS_SCHEMA_VERSION = Math.max(...CALL_COLUMN_DEFS.map((c) => c.since));

/** The columns a schema version added, in table order (the ADD COLUMNs of its migration). */
export function columnsAddedIn(version: number): readonly CallColumnDef[] {
  return CALL_COLUMN_DEFS.filter((c) => c.since === version);
}

/** The two region names an export adds from the zone table beside each zone id. */
export const REGION_COLUMNS = ['caller_region', 'callee_region'] as const;

/**
 * The columns of a records export (CSV and JSON), in order (SPEC 2.5): every stored column but
 * `account_id`, each zone id followed by its region name; columns added since are appended in table
 * order, so a reader of the first release's columns keeps working. The CSV header, the JSON records
 * and the records query's SELECT list all read this list.
 */
export const EXPORT_COLUMNS = [
  'call_id',
  'call_time',
  'call_direction',
  'caller_id_name',
  'caller_id_number',
  'caller_zone_id',
  'caller_region',
  'callee_id_number',
  'callee_zone_id',
  'callee_region',
  'duration_seconds',
  'billing_seconds',
  'ringing_seconds',
  'unanswered',
  'hangup_cause',
  ...CALL_COLUMN_DEFS.filter((c) => c.since > 1).map((c) => c.name),
] as readonly (Exclude<CallColumn, 'account_id'> | (typeof REGION_COLUMNS)[number])[];

/** A column of a records export. */
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** The stored columns of an export, in export order: what the records query selects. */
export const EXPORTED_CALL_COLUMNS = EXPORT_COLUMNS.filter(
  (c): c is Exclude<ExportColumn, (typeof REGION_COLUMNS)[number]> => !(REGION_COLUMNS as readonly string[]).includes(c),
);

/** Gregorian seconds (Erlang calendar, Kazoo `timestamp`) of 1970-01-01T00:00:00Z. */
export const GREGORIAN_UNIX_OFFSET = 62167219200;
