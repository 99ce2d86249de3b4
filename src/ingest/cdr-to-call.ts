import { GREGORIAN_UNIX_OFFSET, type Call } from '../core/call.js';
import { accountIdProblem, readAccountId } from '../accounts/account-id.js';
import { ID, Invalid, MAX_CALL_TIME, MAX_ID_BYTES, MIN_CALL_TIME, asObject, count, shown, text } from './coerce.js';
import { calleeNumber, callerNumber, kazooFields } from './kazoo-fields.js';

/** What a conversion needs besides the document: the account from the URL/`--account`, and the zone table. */
export interface CdrContext {
  /** Overrides the document's account (the URL's, `--account`'s, a webhook token's). */
  accountId?: string;
  /** The account of a document that names none (a subaccount webhook's own account). */
  defaultAccountId?: string;
  zoneOf: (number: string | null) => number | null;
}

export type CdrResult = { ok: true; call: Call } | { ok: false; reason: string };

/** The longest call id, in UTF-8 bytes; a longer one is rejected rather than cut, since cutting could merge two calls. */
export const MAX_CALL_ID = MAX_ID_BYTES;

function fail(reason: string): CdrResult {
  return { ok: false, reason };
}

/**
 * Converts one Kazoo CDR (CouchDB document, crossbar listing row, channel_destroy webhook payload
 * or CSV row) into a Call, per SPEC section 4.
 *
 * Decisions beyond the spec:
 * - missing `duration_seconds` or `billing_seconds` count as 0 (what Kazoo's own crossbar does), so
 *   a CDR without `billing_seconds` is unanswered; missing `ringing_seconds` stays null.
 * - account falls back to `pvt_account_id` (present in CouchDB dumps) after the spec's sources.
 * - :TRICKY: crossbar's `/cdrs` listing (and Kazoo ≥ 4.3 CSV) renames `call_direction` to `direction`
 *   and has already subtracted `duration_seconds` from `timestamp`. A record with `direction` but no
 *   `call_direction` is therefore read as a listing row whose `timestamp` is the call start.
 * - a `timestamp` before 1970 in gregorian seconds is rejected: it is almost surely Unix seconds.
 * - every value is bounded here and nowhere else (docs/ingest-limits.md): call start in
 *   [1970-01-01, 2100-01-01) UTC, durations 0 … 2^31−1, ids ≤ 256 UTF-8 bytes, other text ≤ 1 KiB,
 *   no NUL anywhere. :TRICKY: one far-future call used to widen every account's time range (the
 *   offset segments and the CSV export are computed over it) and take statistics down for all.
 */
export function cdrToCall(doc: unknown, ctx: CdrContext): CdrResult {
  const d = asObject(doc);
  if (d === undefined) return fail(`record: not a JSON object: ${shown(doc)}`);
  const ccv = asObject(d.custom_channel_vars);

  const account = accountOf(d, ccv, ctx);
  if (account instanceof Invalid) return fail(account.reason);
  const accountId = account;

  const callId = text(d.call_id, 'call_id', ID);
  if (callId instanceof Invalid) return fail(callId.reason);
  if (callId === null) return fail('call_id: missing');

  const isListingRow = d.call_direction === undefined && d.direction !== undefined;
  const dirField = isListingRow ? 'direction' : 'call_direction';
  const dirText = text(isListingRow ? d.direction : d.call_direction, dirField);
  if (dirText instanceof Invalid) return fail(dirText.reason);
  if (dirText === null) return fail('call_direction: missing');
  let direction: string = dirText;
  if (direction !== 'inbound' && direction !== 'outbound') direction = direction.toLowerCase();
  if (direction !== 'inbound' && direction !== 'outbound') {
    return fail(`${dirField}: must be 'inbound' or 'outbound': ${shown(dirText)}`);
  }

  const duration = count(d.duration_seconds, 'duration_seconds');
  if (duration instanceof Invalid) return fail(duration.reason);
  const billing = count(d.billing_seconds, 'billing_seconds');
  if (billing instanceof Invalid) return fail(billing.reason);
  const ringing = count(d.ringing_seconds, 'ringing_seconds');
  if (ringing instanceof Invalid) return fail(ringing.reason);

  const callTime = startTime(d, isListingRow, duration ?? 0);
  if (callTime instanceof Invalid) return fail(callTime.reason);

  const callerName = text(d.caller_id_name, 'caller_id_name');
  if (callerName instanceof Invalid) return fail(callerName.reason);
  const caller = callerNumber(d);
  if (caller instanceof Invalid) return fail(caller.reason);
  const callee = calleeNumber(d, ccv, direction);
  if (callee instanceof Invalid) return fail(callee.reason);
  const kazoo = kazooFields(d, ccv);
  if (kazoo instanceof Invalid) return fail(kazoo.reason);
  const hangupCause = text(d.hangup_cause, 'hangup_cause');
  if (hangupCause instanceof Invalid) return fail(hangupCause.reason);

  const billingSeconds = billing ?? 0;
  return {
    ok: true,
    call: {
      account_id: accountId,
      call_id: callId,
      call_time: callTime,
      call_direction: direction,
      caller_id_name: callerName,
      caller_id_number: caller,
      callee_id_number: callee,
      caller_zone_id: ctx.zoneOf(caller),
      callee_zone_id: ctx.zoneOf(callee),
      duration_seconds: duration ?? 0,
      billing_seconds: billingSeconds,
      ringing_seconds: ringing,
      unanswered: billingSeconds === 0,
      hangup_cause: hangupCause,
      // Spelled out, not spread: every call gets one object shape, which the store encoders read fast.
      interaction_id: kazoo.interaction_id,
      other_leg_call_id: kazoo.other_leg_call_id,
      bridge_id: kazoo.bridge_id,
      resource_type: kazoo.resource_type,
      authorizing_type: kazoo.authorizing_type,
      authorizing_id: kazoo.authorizing_id,
      owner_id: kazoo.owner_id,
      hangup_code: kazoo.hangup_code,
      disposition: kazoo.disposition,
      media_server: kazoo.media_server,
      reseller_id: kazoo.reseller_id,
    },
  };
}

/**
 * Call start in UTC epoch seconds: `channel_created_time` (Unix microseconds, FreeSWITCH's
 * Caller-Channel-Created-Time, floored to the second) when present, else the CDR's `timestamp`, the
 * hangup, minus the duration, except in crossbar listing rows. `timestamp` is still required (SPEC 4).
 */
function startTime(d: Record<string, unknown>, isListingRow: boolean, duration: number): number | Invalid {
  const ts = count(d.timestamp, 'timestamp', Number.MAX_SAFE_INTEGER);
  if (ts instanceof Invalid) return ts;
  if (ts === null) {
    // Listing rows also carry `unix_timestamp` (the start in Unix seconds); use it when `timestamp` was cut.
    if (isListingRow) {
      const unix = count(d.unix_timestamp, 'unix_timestamp', Number.MAX_SAFE_INTEGER);
      if (unix instanceof Invalid) return unix;
      if (unix !== null) return inRange(unix, 'unix_timestamp', d.unix_timestamp);
    }
    return new Invalid('timestamp: missing');
  }
  if (ts < GREGORIAN_UNIX_OFFSET) {
    return new Invalid(`timestamp: not gregorian seconds (before 1970; Unix seconds?): ${shown(d.timestamp)}`);
  }
  const created = count(d.channel_created_time, 'channel_created_time', Number.MAX_SAFE_INTEGER);
  if (created instanceof Invalid) return created;
  // 0 is FreeSWITCH's "not set"; the exact start beats hangup − duration, which loses the rounding of both.
  if (created !== null && created > 0) return inRange(Math.floor(created / 1e6), 'channel_created_time', d.channel_created_time);
  return inRange(isListingRow ? ts - GREGORIAN_UNIX_OFFSET : ts - GREGORIAN_UNIX_OFFSET - duration, 'timestamp', d.timestamp);
}

/** The call start, if it lies in [1970-01-01, 2100-01-01) UTC (SPEC 4). */
function inRange(start: number, field: string, raw: unknown): number | Invalid {
  if (start >= MIN_CALL_TIME && start < MAX_CALL_TIME) return start;
  return new Invalid(`${field}: call start outside 1970-01-01 … 2100-01-01 UTC: ${shown(raw)}`);
}

/**
 * The call's account: the context's, else the document's (`custom_channel_vars.account_id`,
 * `account_id`, `pvt_account_id`, `pvt_account_db`) with a MODB suffix stripped (a CouchDB dump's `pvt_account_id`
 * can be `7f89…-201307`), else the default; an id that is no account id (accounts/account-id.ts)
 * rejects the record naming the field it came from.
 */
function accountOf(d: Record<string, unknown>, ccv: Record<string, unknown> | undefined, ctx: CdrContext): string | Invalid {
  if (ctx.accountId !== undefined && ctx.accountId !== '') {
    const problem = accountIdProblem(ctx.accountId);
    return problem === undefined ? ctx.accountId : new Invalid(`account_id: ${problem} (from the URL or --account)`);
  }
  const sources: [unknown, string][] = [
    [ccv?.account_id, 'custom_channel_vars.account_id'],
    [d.account_id, 'account_id'],
    [d.pvt_account_id, 'pvt_account_id'],
    // The MODB the document was saved in (`account%2F7f%2F89%2F…-201307`), which names the account too.
    [d.pvt_account_db, 'pvt_account_db'],
  ];
  for (const [value, field] of sources) {
    const raw = text(value, field, ID);
    if (raw instanceof Invalid) return raw;
    if (raw === null) continue;
    const read = readAccountId(raw);
    return read.problem === undefined ? read.id : new Invalid(`${field}: ${read.problem}`);
  }
  if (ctx.defaultAccountId !== undefined) return ctx.defaultAccountId;
  return new Invalid('account_id: missing (give the account in the URL or with --account)');
}
