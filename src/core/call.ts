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

/** Gregorian seconds (Erlang calendar, Kazoo `timestamp`) of 1970-01-01T00:00:00Z. */
export const GREGORIAN_UNIX_OFFSET = 62167219200;
