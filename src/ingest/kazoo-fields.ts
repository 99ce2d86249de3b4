import type { Call } from '../core/call.js';
import { ID, Invalid, TEXT, text, userPart } from './coerce.js';

/** The Kazoo fields of a call (SPEC 3.3, schema 4), as read from a CDR. */
export type KazooFields = Pick<
  Call,
  | 'interaction_id'
  | 'other_leg_call_id'
  | 'bridge_id'
  | 'resource_type'
  | 'authorizing_type'
  | 'authorizing_id'
  | 'owner_id'
  | 'hangup_code'
  | 'disposition'
  | 'media_server'
  | 'reseller_id'
>;

/** A text value from the top level of the CDR, else from its `custom_channel_vars` (first non-empty wins). */
function either(top: unknown, topKey: string, fromCcv: unknown, ccvKey: string, id: boolean): string | null | Invalid {
  const v = text(top, topKey, id ? ID : TEXT);
  if (v !== null) return v;
  return fromCcv === undefined ? null : text(fromCcv, `custom_channel_vars.${ccvKey}`, id ? ID : TEXT);
}

const isId = true;
const notId = false;

/**
 * The Kazoo fields of a CDR; a value that is not text (or too long) rejects the record, naming the key.
 * Where each is read (docs/kazoo-calls.md): Kazoo 4.3's cdr app (applications/cdr/src/cdr_channel_destroy.erl)
 * stores `interaction_id` at the top level, taken out of the channel's
 * `custom_channel_vars.call_interaction_id`, which is where a webhook or a call event still has it.
 * `other_leg_call_id`, `hangup_code`, `disposition` and `media_server` are top-level keys of
 * CHANNEL_DESTROY (ecallmgr_call_events.erl); the others are custom channel vars (ecallmgr_fs_channel.erl
 * reads them from the CCVs). Both places are tried for every field: a webhook payload and a
 * re-exported document may carry either.
 * :TRICKY: spelled out field by field, not a loop over a table: this runs for every record, and
 * reading `d[key]` with changing keys made the whole conversion about twice as slow.
 */
export function kazooFields(d: Record<string, unknown>, ccv: Record<string, unknown> | undefined): KazooFields | Invalid {
  const c = ccv ?? {};
  let interaction = either(d.interaction_id, 'interaction_id', c.call_interaction_id, 'call_interaction_id', isId);
  if (interaction === null) interaction = either(undefined, '', c.interaction_id, 'interaction_id', isId);
  if (interaction instanceof Invalid) return interaction;
  const otherLeg = either(d.other_leg_call_id, 'other_leg_call_id', c.other_leg_call_id, 'other_leg_call_id', isId);
  if (otherLeg instanceof Invalid) return otherLeg;
  const bridge = either(d.bridge_id, 'bridge_id', c.bridge_id, 'bridge_id', isId);
  if (bridge instanceof Invalid) return bridge;
  const resourceType = either(d.resource_type, 'resource_type', c.resource_type, 'resource_type', notId);
  if (resourceType instanceof Invalid) return resourceType;
  const authorizingType = either(d.authorizing_type, 'authorizing_type', c.authorizing_type, 'authorizing_type', notId);
  if (authorizingType instanceof Invalid) return authorizingType;
  const authorizingId = either(d.authorizing_id, 'authorizing_id', c.authorizing_id, 'authorizing_id', isId);
  if (authorizingId instanceof Invalid) return authorizingId;
  const owner = either(d.owner_id, 'owner_id', c.owner_id, 'owner_id', isId);
  if (owner instanceof Invalid) return owner;
  const hangupCode = either(d.hangup_code, 'hangup_code', c.hangup_code, 'hangup_code', notId);
  if (hangupCode instanceof Invalid) return hangupCode;
  const disposition = either(d.disposition, 'disposition', c.disposition, 'disposition', notId);
  if (disposition instanceof Invalid) return disposition;
  const mediaServer = either(d.media_server, 'media_server', c.media_server, 'media_server', notId);
  if (mediaServer instanceof Invalid) return mediaServer;
  const reseller = either(d.reseller_id, 'reseller_id', c.reseller_id, 'reseller_id', isId);
  if (reseller instanceof Invalid) return reseller;
  return {
    interaction_id: interaction,
    other_leg_call_id: otherLeg,
    bridge_id: bridge,
    resource_type: resourceType,
    authorizing_type: authorizingType,
    authorizing_id: authorizingId,
    owner_id: owner,
    hangup_code: hangupCode,
    disposition,
    media_server: mediaServer,
    reseller_id: reseller,
  };
}

/*
 * Numbers: the sources of each, most reliable first (docs/kazoo-calls.md, "Numbers").
 * :TRICKY: Kazoo builds an outbound leg's `to` from the channel's presence id, which is the
 * *caller's* (ecallmgr_util:get_sip_to/2, 4.3), so `to` is never read for an outbound callee.
 * An outbound leg's destination is best in `e164_destination` (the E.164 number stepswitch routed,
 * moved out of the CCVs by cdr_channel_destroy:maybe_set_e164_destination), then in `request` (the
 * request URI sent to the far end, ecallmgr_util:get_sip_request/1), and only then in
 * `callee_id_number`, which is caller-ID data: often national (`5132882153`), or a name set by a
 * callflow. For an inbound leg the switch is the callee side and `callee_id_number`, `to` and
 * `request` all name the dialled party, as before.
 * The caller is `caller_id_number`, else the user part of `from` (an inbound leg's `from` is the
 * caller's presence id; an outbound leg's is the other leg's caller number, get_sip_from/2).
 */
/** The first number found: a plain value, or the user part of a SIP address. */
function number(v: unknown, field: string, sip: boolean): string | null | Invalid {
  const t = text(v, field);
  return sip && !(t instanceof Invalid) ? userPart(t) : t;
}

/** The caller's number of a leg (see above). */
export function callerNumber(d: Record<string, unknown>): string | null | Invalid {
  const n = number(d.caller_id_number, 'caller_id_number', false);
  return n !== null ? n : number(d.from, 'from', true);
}

/** The callee's number of a leg of this direction (see above). */
export function calleeNumber(
  d: Record<string, unknown>,
  ccv: Record<string, unknown> | undefined,
  direction: Call['call_direction'],
): string | null | Invalid {
  let n: string | null | Invalid;
  if (direction === 'outbound') {
    n = number(d.e164_destination, 'e164_destination', false);
    if (n === null && ccv !== undefined) n = number(ccv.e164_destination, 'custom_channel_vars.e164_destination', false);
    if (n === null) n = number(d.request, 'request', true);
    return n !== null ? n : number(d.callee_id_number, 'callee_id_number', false);
  }
  n = number(d.callee_id_number, 'callee_id_number', false);
  if (n === null) n = number(d.to, 'to', true);
  return n !== null ? n : number(d.request, 'request', true);
}
