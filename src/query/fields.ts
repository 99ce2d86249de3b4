import type { Call } from '../core/call.js';

/** Value type of a field: decides which operators and values a filter may use on it. */
export type FieldType = 'time' | 'enum' | 'integer' | 'text' | 'boolean';

/** The two joins of the zones table: `zr` for the caller's zone, `ze` for the callee's. */
export type ZoneSide = 'caller' | 'callee';

/** Where a field's value comes from: a column of `calls` (alias `c`) or the joined zone of one party. */
export type FieldSource =
  | { readonly kind: 'column'; readonly column: keyof Call }
  | { readonly kind: 'zone'; readonly side: ZoneSide; readonly part: 'country' | 'region' };

/** One entry of the field registry (SPEC 3.3). */
export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  readonly groupable: boolean;
  /** Whether the value can be missing; the compiler guards nullable fields so NULL never matches. */
  readonly nullable: boolean;
  readonly source: FieldSource;
  /** The allowed values of an `enum` field. */
  readonly values?: readonly string[];
  readonly doc: string;
}

/** How each zone side is joined: alias of the zones table and the `calls` column holding the zone id. */
export const ZONE_JOINS = {
  caller: { alias: 'zr', key: 'caller_zone_id' },
  callee: { alias: 'ze', key: 'callee_zone_id' },
} as const satisfies Record<ZoneSide, { alias: string; key: keyof Call }>;

const col = (column: keyof Call): FieldSource => ({ kind: 'column', column });
const zone = (side: ZoneSide, part: 'country' | 'region'): FieldSource => ({ kind: 'zone', side, part });
const GROUP = true;
const NO_GROUP = false;
const NULLABLE = true;
const NOT_NULL = false;

function def(
  name: string,
  type: FieldType,
  groupable: boolean,
  nullable: boolean,
  source: FieldSource,
  doc: string,
  values?: readonly string[],
): FieldDef {
  return Object.freeze({ name, type, groupable, nullable, source, doc, ...(values ? { values: Object.freeze([...values]) } : {}) });
}

// Adding a field is one line here; the parser, the compiler and the OpenAPI schema read it.
const FIELD_LIST: readonly FieldDef[] = [
  def('call_time', 'time', NO_GROUP, NOT_NULL, col('call_time'), 'call start, in the request time zone unless the value carries an offset'),
  def('call_direction', 'enum', GROUP, NOT_NULL, col('call_direction'), 'inbound or outbound', ['inbound', 'outbound']),
  def('caller_zone_id', 'integer', GROUP, NULLABLE, col('caller_zone_id'), "zone of the caller's number"),
  def('callee_zone_id', 'integer', GROUP, NULLABLE, col('callee_zone_id'), "zone of the callee's number"),
  def('caller_id_name', 'text', NO_GROUP, NULLABLE, col('caller_id_name'), 'caller ID name'),
  def('unanswered', 'boolean', GROUP, NOT_NULL, col('unanswered'), 'true when billing_seconds is 0'),
  def('caller_id_number', 'text', NO_GROUP, NULLABLE, col('caller_id_number'), 'caller number (extension)'),
  def('callee_id_number', 'text', NO_GROUP, NULLABLE, col('callee_id_number'), 'callee number (extension)'),
  def('duration_seconds', 'integer', NO_GROUP, NOT_NULL, col('duration_seconds'), 'call duration (extension)'),
  def('billing_seconds', 'integer', NO_GROUP, NOT_NULL, col('billing_seconds'), 'billed seconds (extension)'),
  def('ringing_seconds', 'integer', NO_GROUP, NULLABLE, col('ringing_seconds'), 'ringing time (extension)'),
  def('hangup_cause', 'text', GROUP, NULLABLE, col('hangup_cause'), 'hangup cause (extension)'),
  def('caller_country', 'text', GROUP, NULLABLE, zone('caller', 'country'), "country of the caller's zone (extension)"),
  def('callee_country', 'text', GROUP, NULLABLE, zone('callee', 'country'), "country of the callee's zone (extension)"),
  def('caller_region', 'text', GROUP, NULLABLE, zone('caller', 'region'), "region of the caller's zone (extension)"),
  def('callee_region', 'text', GROUP, NULLABLE, zone('callee', 'region'), "region of the callee's zone (extension)"),
  // Kazoo's own fields, under Kazoo's names (docs/kazoo-calls.md says where each comes from).
  def(
    'resource_type',
    'text',
    GROUP,
    NULLABLE,
    col('resource_type'),
    'Kazoo resource type: offnet-origination, offnet-termination, ... (extension)',
  ),
  def(
    'authorizing_type',
    'text',
    GROUP,
    NULLABLE,
    col('authorizing_type'),
    'what authorised the leg: device, account, resource, ... (extension)',
  ),
  def('owner_id', 'text', GROUP, NULLABLE, col('owner_id'), 'Kazoo user owning the device (extension)'),
  def('hangup_code', 'text', GROUP, NULLABLE, col('hangup_code'), 'SIP hangup code, e.g. sip:487 (extension)'),
  def('disposition', 'text', GROUP, NULLABLE, col('disposition'), 'FreeSWITCH disposition, e.g. ANSWER (extension)'),
  def('media_server', 'text', GROUP, NULLABLE, col('media_server'), 'FreeSWITCH server that carried the leg (extension)'),
  def('interaction_id', 'text', NO_GROUP, NULLABLE, col('interaction_id'), 'Kazoo interaction: the call the leg belongs to (extension)'),
  def('other_leg_call_id', 'text', NO_GROUP, NULLABLE, col('other_leg_call_id'), 'call id of the bridged leg (extension)'),
  def('bridge_id', 'text', NO_GROUP, NULLABLE, col('bridge_id'), 'Kazoo bridge id (extension)'),
  def('authorizing_id', 'text', NO_GROUP, NULLABLE, col('authorizing_id'), 'id of what authorised the leg (extension)'),
  def('reseller_id', 'text', NO_GROUP, NULLABLE, col('reseller_id'), "the account's reseller (extension)"),
];

// A Map, not an object: names like `__proto__` or `constructor` must simply be unknown.
const FIELDS: ReadonlyMap<string, FieldDef> = new Map(FIELD_LIST.map((f) => [f.name, f]));

/** The field registry entry for `name`, or undefined when there is no such field. */
export function getField(name: string): FieldDef | undefined {
  return FIELDS.get(name);
}

/** Every field, in documentation order. */
export function allFields(): readonly FieldDef[] {
  return FIELD_LIST;
}

/** Names of the fields a query may group by. */
export function groupableFieldNames(): string[] {
  return FIELD_LIST.filter((f) => f.groupable).map((f) => f.name);
}
