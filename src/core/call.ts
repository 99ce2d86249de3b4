/** One call as stored: the normalised form of a CDR (SPEC section 4). Times are UTC epoch seconds. */
export interface Call {
  account_id: string;
  call_id: string;
  /** Call start, UTC epoch seconds (integer). */
  call_time: number;
  call_direction: 'inbound' | 'outbound';
  caller_id_name: string | null;
  caller_id_number: string | null;
  callee_id_number: string | null;
  caller_zone_id: number | null;
  callee_zone_id: number | null;
  duration_seconds: number;
  billing_seconds: number;
  ringing_seconds: number | null;
  unanswered: boolean;
  hangup_cause: string | null;
}

/** Column order of the calls table and of every row handed between layers. */
export const CALL_COLUMNS = [
  'account_id',
  'call_id',
  'call_time',
  'call_direction',
  'caller_id_name',
  'caller_id_number',
  'callee_id_number',
  'caller_zone_id',
  'callee_zone_id',
  'duration_seconds',
  'billing_seconds',
  'ringing_seconds',
  'unanswered',
  'hangup_cause',
] as const satisfies readonly (keyof Call)[];

/** A column of the calls table. */
export type CallColumn = (typeof CALL_COLUMNS)[number];

/** The kind of value each calls column holds: how the engines' DDL, appenders and exports treat it. */
export const CALL_COLUMN_KINDS: Record<CallColumn, 'text' | 'integer' | 'boolean'> = {
  account_id: 'text',
  call_id: 'text',
  call_time: 'integer',
  call_direction: 'text',
  caller_id_name: 'text',
  caller_id_number: 'text',
  callee_id_number: 'text',
  caller_zone_id: 'integer',
  callee_zone_id: 'integer',
  duration_seconds: 'integer',
  billing_seconds: 'integer',
  ringing_seconds: 'integer',
  unanswered: 'boolean',
  hangup_cause: 'text',
};

/** The two region names an export adds from the zone table beside each zone id. */
export const REGION_COLUMNS = ['caller_region', 'callee_region'] as const;

/**
 * The columns of a records export (CSV and JSON), in order (SPEC 2.5): every stored column but
 * `account_id`, each zone id followed by its region name. The CSV header, the JSON records and the
 * records query's SELECT list all read this list.
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
] as const satisfies readonly (Exclude<CallColumn, 'account_id'> | (typeof REGION_COLUMNS)[number])[];

/** The stored columns of an export, in export order: what the records query selects. */
export const EXPORTED_CALL_COLUMNS = EXPORT_COLUMNS.filter(
  (c): c is Exclude<(typeof EXPORT_COLUMNS)[number], (typeof REGION_COLUMNS)[number]> => !(REGION_COLUMNS as readonly string[]).includes(c),
);

/** Gregorian seconds (Erlang calendar, Kazoo `timestamp`) of 1970-01-01T00:00:00Z. */
export const GREGORIAN_UNIX_OFFSET = 62167219200;
