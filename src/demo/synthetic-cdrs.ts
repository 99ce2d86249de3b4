import { GREGORIAN_UNIX_OFFSET } from '../core/call.js';
import { CallRhythm } from './call-rhythm.js';
import type { KazooCdr } from './kazoo-cdr.js';
import { type DemoCountry, DEMO_COUNTRIES, e164, externalCallerName, nationalForm, zeroZeroForm } from './phone-plan.js';
import { Prng, decimal, hex4, hex8 } from './prng.js';
import { type AccountSpec, type SyntheticAccount, buildAccounts } from './synthetic-accounts.js';

export type { KazooCdr } from './kazoo-cdr.js';
export type { AccountSpec, DemoTimeZone } from './synthetic-accounts.js';

/** Parameters of a synthetic CDR stream. */
export interface SyntheticOptions {
  seed: number;
  /** Explicit accounts, or a count of accounts of Zipf-like sizes sharing `totalCalls`. */
  accounts: AccountSpec[] | number;
  /** Only with a count of accounts; default 10,000 per account. */
  totalCalls?: number;
  /** Calls start (and end) in [from, to). */
  from: Date;
  to: Date;
}

/** Unanswered outcomes: hangup cause, SIP code, share, ringing range in seconds. */
const UNANSWERED: readonly (readonly [string, string, number, number, number])[] = [
  ['ORIGINATOR_CANCEL', 'sip:487', 0.4, 0, 25],
  ['NO_ANSWER', 'sip:480', 0.35, 20, 30],
  ['USER_BUSY', 'sip:486', 0.12, 0, 2],
  ['CALL_REJECTED', 'sip:603', 0.05, 0, 8],
  ['NO_USER_RESPONSE', 'sip:408', 0.04, 0, 30],
  ['UNALLOCATED_NUMBER', 'sip:404', 0.02, 0, 1],
  ['NORMAL_TEMPORARY_FAILURE', 'sip:503', 0.02, 0, 1],
];
/** Carriers' SBC addresses (documentation ranges, RFC 5737). */
const CARRIER_GATEWAYS = ['203.0.113.10', '198.51.100.7'];
const ANSWER_RATE = 0.7;
/** Median talk time 85 s; sigma 1.25 puts ~0.3 % of answered calls above one hour. */
const LOG_MEDIAN_BILLING = Math.log(85);
const LOG_SIGMA_BILLING = 1.25;
const MAX_BILLING = 5 * 3600;

/**
 * Deterministic Kazoo CDR documents for a seed: business-hour and weekday rhythm in each account's
 * zone, NZ/AU/US/GB numbers and extensions, ~70 % answered, log-normal talk times. Accounts come one
 * after another; within an account calls are in random (not time) order.
 */
export function* syntheticCdrs(opts: SyntheticOptions): Generator<KazooCdr> {
  const rng = new Prng(opts.seed);
  const fromS = Math.ceil(opts.from.getTime() / 1000);
  const toS = Math.ceil(opts.to.getTime() / 1000);
  const accounts = buildAccounts(rng, opts.accounts, opts.totalCalls);
  const rhythms = new Map<string, CallRhythm>();
  // Call ids embed this counter through a bijection on 32 bits, so they are unique without a Set.
  let serial = 0;
  const uuidBase = rng.u32();
  const carrierBase = 100_000_000 + rng.int(800_000_000);
  for (const account of accounts) {
    let rhythm = rhythms.get(account.timezone);
    if (!rhythm) rhythms.set(account.timezone, (rhythm = new CallRhythm(account.timezone, fromS, toS)));
    for (let i = 0; i < account.calls; i++, serial++) {
      yield makeCdr(rng, account, rhythm, toS, serial, uuidBase, carrierBase);
    }
  }
}

function makeCdr(
  rng: Prng,
  account: SyntheticAccount,
  rhythm: CallRhythm,
  toS: number,
  serial: number,
  uuidBase: number,
  carrierBase: number,
): KazooCdr {
  // Outcome and timing.
  const answered = rng.chance(ANSWER_RATE);
  let ringing: number;
  let billing = 0;
  let hangupCause = 'NORMAL_CLEARING';
  let hangupCode = 'sip:200';
  if (answered) {
    ringing = Math.min(30, Math.floor(2 + Math.abs(rng.normal()) * 6));
    billing = Math.round(Math.exp(LOG_MEDIAN_BILLING + LOG_SIGMA_BILLING * rng.normal()));
    billing = Math.max(1, Math.min(MAX_BILLING, billing));
  } else {
    let r = rng.float();
    let outcome = UNANSWERED[0];
    for (const o of UNANSWERED) {
      outcome = o;
      if ((r -= o[2]) < 0) break;
    }
    hangupCause = outcome[0];
    hangupCode = outcome[1];
    ringing = rng.range(outcome[3], outcome[4]);
  }
  let duration = ringing + billing + (rng.chance(0.3) ? 1 : 0);
  let start = rhythm.sample(rng);
  // A call must also end before `to` (a demo ending "now" has no CDRs from the future): redraw the
  // start a few times, then shorten the call — only calls in the range's last hours are affected.
  for (let tries = 0; start + duration >= toS && tries < 8; tries++) start = rhythm.sample(rng);
  if (start + duration >= toS) {
    duration = Math.max(0, toS - 1 - start);
    billing = Math.min(billing, duration);
    ringing = Math.min(ringing, duration - billing);
  }

  // Parties.
  const user = rng.pick(account.users);
  const kind = rng.float(); // < 0.45 inbound from outside, < 0.85 outbound to outside, else internal
  let direction: 'inbound' | 'outbound';
  let callerNumber: string;
  let callerName: string;
  let calleeNumber: string;
  let calleeName: string;
  let requestHost = account.realm;
  let authorizingType: 'device' | 'resource' = 'device';
  let authorizingId = user.deviceId;
  if (kind < 0.45) {
    direction = 'inbound';
    const country = otherCountry(rng, account.country);
    callerNumber = e164(rng, country);
    callerName = externalCallerName(rng, callerNumber, country);
    calleeNumber = rng.chance(0.4) ? account.mainNumber : user.did;
    calleeName = user.name;
    requestHost = rng.pick(CARRIER_GATEWAYS);
    authorizingType = 'resource';
    authorizingId = rng.pick(account.resources);
  } else if (kind < 0.85) {
    direction = 'outbound';
    const country = otherCountry(rng, account.country);
    const number = e164(rng, country);
    const form = rng.float();
    // People dial national numbers as they know them; some PBX dial plans send 00-international.
    calleeNumber = form < 0.8 ? number : form < 0.95 && country === account.country ? nationalForm(number, country) : zeroZeroForm(number);
    calleeName = rng.chance(0.7) ? calleeNumber : '';
    callerNumber = rng.chance(0.5) ? account.mainNumber : user.did;
    callerName = user.name;
  } else {
    direction = rng.chance(0.5) ? 'inbound' : 'outbound';
    const other = rng.pick(account.users);
    callerNumber = user.extension;
    callerName = user.name;
    calleeNumber = other.extension;
    calleeName = other.name;
  }

  // Identity.
  const end = start + duration;
  const callId =
    authorizingType === 'resource' && rng.chance(0.5)
      ? `${decimal(carrierBase + serial)}_${decimal(rng.u32())}@${requestHost}`
      : v1Uuid(rng, (uuidBase + Math.imul(serial, 0x9e3779b1)) >>> 0, account.uuidNode);
  const otherLeg = answered || rng.chance(0.5) ? v1Uuid(rng, rng.u32(), account.uuidNode) : undefined;
  const gregorianEnd = end + GREGORIAN_UNIX_OFFSET;
  const interactionId = `${decimal(start + GREGORIAN_UNIX_OFFSET)}-${rng.hex8()}`;
  const month = rhythm.months[rhythm.lastSlot];
  const server = rng.int(account.mediaServers.length);
  const mediaServer = account.mediaServers[server];
  const node = account.ecallmgrNodes[server];
  const to = `${calleeNumber}@${requestHost}`;
  const from = `${callerNumber}@${direction === 'inbound' && authorizingType === 'resource' ? requestHost : account.realm}`;
  const cdr: KazooCdr = {
    _id: `${month}-${callId}`,
    app_name: 'ecallmgr',
    app_version: '4.3.0',
    billing_seconds: String(billing),
    call_direction: direction,
    call_id: callId,
    callee_id_name: calleeName,
    callee_id_number: calleeNumber,
    caller_id_name: callerName,
    caller_id_number: callerNumber,
    channel_created_time: start * 1_000_000 + rng.int(1_000_000),
    custom_channel_vars: {
      account_id: account.id,
      authorizing_id: authorizingId,
      authorizing_type: authorizingType,
      bridge_id: callId,
      call_interaction_id: interactionId,
      ecallmgr_node: node,
      global_resource: 'false',
      realm: account.realm,
    },
    duration_seconds: String(duration),
    event_category: 'call_event',
    event_name: 'CHANNEL_DESTROY',
    from,
    from_uri: from,
    hangup_cause: hangupCause,
    hangup_code: hangupCode,
    interaction_id: interactionId,
    media_server: mediaServer,
    node,
    presence_id: `${user.extension}@${account.realm}`,
    request: to,
    ringing_seconds: String(ringing),
    // Kazoo's own documents carry a number, webhooks and some exports a string: mix both.
    timestamp: rng.chance(0.5) ? decimal(gregorianEnd) : gregorianEnd,
    to,
    to_uri: to,
    user_agent: authorizingType === 'device' ? 'Yealink SIP-T46S 66.86.0.15' : 'Carrier SBC',
    pvt_type: 'cdr',
    pvt_vsn: '2',
    pvt_account_id: account.id,
    pvt_account_db: `${account.dbPrefix}-${month}`,
    pvt_created: gregorianEnd,
    pvt_modified: gregorianEnd,
  };
  if (otherLeg !== undefined) cdr.other_leg_call_id = otherLeg;
  if (authorizingType === 'device') {
    cdr.custom_channel_vars.owner_id = user.ownerId;
    cdr.custom_channel_vars.username = user.username;
  }
  return cdr;
}

/** The account's own country most of the time, another demo country otherwise. */
function otherCountry(rng: Prng, home: DemoCountry): DemoCountry {
  return rng.chance(0.85) ? home : rng.pick(DEMO_COUNTRIES);
}

/** A FreeSWITCH-style version-1 UUID; `timeLow` makes it unique, the node is the media server's. */
function v1Uuid(rng: Prng, timeLow: number, node: string): string {
  const r = rng.u32();
  // Version nibble 1 and RFC 4122 variant bits 10xx, as FreeSWITCH's time-based UUIDs have.
  return `${hex8(timeLow)}-${hex4(r >>> 16)}-${hex4(0x1000 | (r & 0xfff))}-${hex4(0x8000 | (rng.u32() & 0x3fff))}-${node}`;
}
