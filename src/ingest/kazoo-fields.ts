import type { Call } from '../core/call.js';
import { ID, Invalid, text, userPart } from './coerce.js';

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

/**
 * Where each field is read, first found wins (docs/kazoo-calls.md). Kazoo 4.3's cdr app
 * (applications/cdr/src/cdr_channel_destroy.erl) stores `interaction_id` at the top level, taken out
 * of the channel's `custom_channel_vars.call_interaction_id`, which is where a webhook or a call
 * event still has it. `other_leg_call_id`, `hangup_code`, `disposition` and `media_server` are
 * top-level keys of CHANNEL_DESTROY (ecallmgr_call_events.erl); the others are custom channel vars
 * (ecallmgr_fs_channel.erl reads them from the CCVs). Both places are tried for every field: a
 * webhook payload and a re-exported document may carry either.
 */
const SOURCES: Record<keyof KazooFields, { top: readonly string[]; ccv: readonly string[]; id: boolean }> = {
  interaction_id: { top: ['interaction_id'], ccv: ['call_interaction_id', 'interaction_id'], id: true },
  other_leg_call_id: { top: ['other_leg_call_id'], ccv: ['other_leg_call_id'], id: true },
  bridge_id: { top: ['bridge_id'], ccv: ['bridge_id'], id: true },
  resource_type: { top: ['resource_type'], ccv: ['resource_type'], id: false },
  authorizing_type: { top: ['authorizing_type'], ccv: ['authorizing_type'], id: false },
  authorizing_id: { top: ['authorizing_id'], ccv: ['authorizing_id'], id: true },
  owner_id: { top: ['owner_id'], ccv: ['owner_id'], id: true },
  hangup_code: { top: ['hangup_code'], ccv: ['hangup_code'], id: false },
  disposition: { top: ['disposition'], ccv: ['disposition'], id: false },
  media_server: { top: ['media_server'], ccv: ['media_server'], id: false },
  reseller_id: { top: ['reseller_id'], ccv: ['reseller_id'], id: true },
};

const FIELDS = Object.entries(SOURCES) as [keyof KazooFields, (typeof SOURCES)[keyof KazooFields]][];

/** The Kazoo fields of a CDR; a value that is not text (or too long) rejects the record, naming the key. */
export function kazooFields(d: Record<string, unknown>, ccv: Record<string, unknown> | undefined): KazooFields | Invalid {
  const out: Partial<KazooFields> = {};
  for (const [name, src] of FIELDS) {
    let value: string | null = null;
    for (const key of src.top) {
      const v = text(d[key], key, src.id ? ID : undefined);
      if (v instanceof Invalid) return v;
      if ((value = v) !== null) break;
    }
    if (value === null && ccv !== undefined) {
      for (const key of src.ccv) {
        const v = text(ccv[key], `custom_channel_vars.${key}`, src.id ? ID : undefined);
        if (v instanceof Invalid) return v;
        if ((value = v) !== null) break;
      }
    }
    out[name] = value;
  }
  return out as KazooFields;
}

/** One candidate source of a number: the field it is read from, and whether it is a SIP address. */
interface NumberSource {
  readonly key: string;
  readonly ccv?: boolean;
  readonly sip?: boolean;
}

/**
 * The sources of each number, most reliable first (docs/kazoo-calls.md, "Numbers").
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
const CALLEE: Record<Call['call_direction'], readonly NumberSource[]> = {
  outbound: [
    { key: 'e164_destination' },
    { key: 'e164_destination', ccv: true },
    { key: 'request', sip: true },
    { key: 'callee_id_number' },
  ],
  inbound: [{ key: 'callee_id_number' }, { key: 'to', sip: true }, { key: 'request', sip: true }],
};
const CALLER: readonly NumberSource[] = [{ key: 'caller_id_number' }, { key: 'from', sip: true }];

function firstNumber(
  d: Record<string, unknown>,
  ccv: Record<string, unknown> | undefined,
  sources: readonly NumberSource[],
): string | null | Invalid {
  for (const s of sources) {
    const obj = s.ccv ? ccv : d;
    if (obj === undefined) continue;
    const v = text(obj[s.key], s.ccv ? `custom_channel_vars.${s.key}` : s.key);
    if (v instanceof Invalid) return v;
    const n = s.sip ? userPart(v) : v;
    if (n !== null) return n;
  }
  return null;
}

/** The caller's number of a leg (see CALLER). */
export function callerNumber(d: Record<string, unknown>): string | null | Invalid {
  return firstNumber(d, undefined, CALLER);
}

/** The callee's number of a leg of this direction (see CALLEE). */
export function calleeNumber(
  d: Record<string, unknown>,
  ccv: Record<string, unknown> | undefined,
  direction: Call['call_direction'],
): string | null | Invalid {
  return firstNumber(d, ccv, CALLEE[direction]);
}
