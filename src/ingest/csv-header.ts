/**
 * Header names → CDR field names for CSV input. Kazoo's crossbar CSV export (`GET /cdrs` with
 * `Accept: text/csv`) writes: id, call_id, caller_id_number, caller_id_name, callee_id_number,
 * callee_id_name, duration_seconds, billing_seconds, timestamp, hangup_cause, other_leg_call_id,
 * owner_id, to, from, direction, request, authorizing_id, cost, dialed_number, calling_from,
 * datetime, unix_timestamp, rfc_1036, iso_8601, call_type, rate, rate_name, bridge_id,
 * recording_url, media_recordings, media_server, call_priority (+ reseller columns). Names that
 * already are CDR field names map to themselves; the rest are kept under their own name and ignored.
 */
const ALIASES: Record<string, string> = {
  account: 'account_id',
  duration: 'duration_seconds',
  billsec: 'billing_seconds',
  billing: 'billing_seconds',
  ringing: 'ringing_seconds',
  caller_name: 'caller_id_name',
  caller_number: 'caller_id_number',
  callee_number: 'callee_id_number',
};

/** Keys that must never become object keys. */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Header fallback for a row without an `rfc_1036` cell (see kazoo-csv.ts `startStamped`, which
 * decides for Kazoo's own rows): columns that only exports stamped with the call start have
 * (`interaction_id`, `disposition`, `iso_8601_combined` from 4.3; `media_server`,
 * `media_recordings` kept for hand-trimmed files, as before). Without any, a `direction` column
 * beside a `timestamp` is read as an old export's raw CDR `timestamp` (the hangup).
 */
const START_TIMESTAMP_MARKERS = ['interaction_id', 'disposition', 'iso_8601_combined', 'media_server', 'media_recordings'];

/** How the rows of one CSV input map to CDR documents. */
export interface CsvLayout {
  /** Normalised header names, one per column. */
  columns: string[];
  /** Document key per column; '' = dropped. */
  keys: string[];
  /** Column of Kazoo's `rfc_1036`, -1 when none. */
  rfc1036At: number;
  /**
   * Column of Kazoo's `direction` when there is no `call_direction` column, else -1. Its key is
   * `direction` for a row stamped with the call start (as crossbar's JSON listing) and
   * `call_direction` for one stamped with the hangup (as a raw CDR), which is how cdrToCall tells them.
   */
  directionAt: number;
  /** The header's guess for rows that carry no `rfc_1036` cell. */
  startByHeader: boolean;
}

/** Normalises header cells ("Caller ID Number" → caller_id_number) and maps them to doc keys. */
export function csvLayout(header: readonly string[]): CsvLayout {
  const columns = header.map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  const seen = new Set<string>();
  const keys = columns.map((name) => {
    const key = ALIASES[name] ?? name;
    // The first of two same-named columns wins; an empty or unsafe name is dropped.
    if (key === '' || UNSAFE.has(key) || seen.has(key)) return '';
    seen.add(key);
    return key;
  });
  const directionAt = keys.includes('call_direction') ? -1 : keys.indexOf('direction');
  return {
    columns,
    keys,
    rfc1036At: keys.indexOf('rfc_1036'),
    directionAt,
    startByHeader: START_TIMESTAMP_MARKERS.some((m) => columns.includes(m)),
  };
}
