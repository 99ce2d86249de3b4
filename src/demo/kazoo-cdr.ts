/**
 * A Kazoo CDR as stored in the account's monthly CouchDB database (`account%2F..-YYYYMM`) and as
 * crossbar `/cdrs/{id}` returns it minus the `pvt_` fields. Kazoo writes most numbers as strings.
 */
export interface KazooCdr {
  /** `YYYYMM-<call_id>`: Kazoo keys CDRs by month of the call. */
  _id: string;
  app_name: string;
  app_version: string;
  billing_seconds: string;
  call_direction: 'inbound' | 'outbound';
  call_id: string;
  callee_id_name: string;
  callee_id_number: string;
  caller_id_name: string;
  caller_id_number: string;
  /** Unix time of channel creation in microseconds (a number in Kazoo). */
  channel_created_time: number;
  custom_channel_vars: KazooChannelVars;
  duration_seconds: string;
  event_category: 'call_event';
  event_name: 'CHANNEL_DESTROY';
  from: string;
  from_uri: string;
  hangup_cause: string;
  hangup_code: string;
  /** `<gregorian seconds>-<8 hex>`: groups the legs of one interaction. */
  interaction_id: string;
  media_server: string;
  node: string;
  other_leg_call_id?: string;
  presence_id: string;
  request: string;
  ringing_seconds: string;
  /** Call end in gregorian seconds (Unix + 62167219200); Kazoo sends it as a string or a number. */
  timestamp: string | number;
  to: string;
  to_uri: string;
  user_agent: string;
  pvt_type: 'cdr';
  pvt_vsn: string;
  pvt_account_id: string;
  pvt_account_db: string;
  pvt_created: number;
  pvt_modified: number;
}

/** The Kazoo-specific channel variables a CDR carries (`custom_channel_vars`). */
export interface KazooChannelVars {
  account_id: string;
  authorizing_id: string;
  authorizing_type: 'device' | 'resource';
  bridge_id: string;
  call_interaction_id: string;
  ecallmgr_node: string;
  global_resource: 'true' | 'false';
  realm: string;
  owner_id?: string;
  username?: string;
}
