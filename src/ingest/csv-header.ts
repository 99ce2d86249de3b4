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
 * Columns added to Kazoo's export by the cb_cdrs rewrite that also made the CSV `timestamp` the
 * call start (as the JSON listing always was). :TRICKY: earlier exports wrote the raw CDR
 * `timestamp` (the hangup) beside a
 * `direction` column, so there `direction` is renamed `call_direction`, which makes cdrToCall
 * subtract the duration as it does for raw CDRs. Exports that have these columns keep `direction`
 * and are read like crossbar listing rows (timestamp = start).
 */
const START_TIMESTAMP_MARKERS = ['media_server', 'media_recordings', 'interaction_id'];

/** Normalises header cells ("Caller ID Number" → caller_id_number) and maps them to doc keys; '' = drop. */
export function csvHeaderKeys(header: readonly string[]): string[] {
  const names = header.map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  const startStamped = START_TIMESTAMP_MARKERS.some((m) => names.includes(m));
  const seen = new Set<string>();
  return names.map((name) => {
    let key = ALIASES[name] ?? name;
    if (key === 'direction' && !startStamped && !names.includes('call_direction')) key = 'call_direction';
    // The first of two same-named columns wins; an empty or unsafe name is dropped.
    if (key === '' || UNSAFE.has(key) || seen.has(key)) return '';
    seen.add(key);
    return key;
  });
}
