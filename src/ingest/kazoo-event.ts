import { asObject, shown } from './coerce.js';

/** What to do with one message from Kazoo's `callevt` exchange. */
export type KazooEventResult =
  /** A CHANNEL_DESTROY, as the CDR document Kazoo's own cdr app would save: give it to cdrToCall. */
  | { kind: 'cdr'; doc: Record<string, unknown> }
  /** Not a CDR by Kazoo's own rules (another event, an ignored app, a loopback bow-out leg). */
  | { kind: 'skip'; reason: string }
  /** Can never become a call (not JSON, not an object). */
  | { kind: 'bad'; reason: string };

export interface KazooEventOptions {
  /** Kazoo's `cdr.ignore_apps` (default `["milliwatt"]`): legs of these applications leave no CDR. */
  ignoreApps?: readonly string[];
  /** Kazoo's `cdr.ignore_loopback_bowout` (default true). */
  ignoreLoopbackBowout?: boolean;
}

const DEFAULT_IGNORE_APPS = ['milliwatt'];
/** Keys that must never become object keys. */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Turns one Kazoo call event (AMQP body with `Title-Dash` keys, e.g. `Call-ID`,
 * `Custom-Channel-Vars`) into the CDR shape cdrToCall reads, the way Kazoo's cdr application does
 * (applications/cdr/src/cdr_channel_destroy.erl): only `CHANNEL_DESTROY` counts, legs of
 * `ignore_apps` and loopback bow-out legs are skipped, and keys are normalised as
 * `kz_json:normalize_jobj` does (lower case, `-` → `_`, at every depth), so `Call-ID` → `call_id`
 * and `Custom-Channel-Vars.Account-ID` → `custom_channel_vars.account_id`.
 *
 * :TRICKY: the routing key is `call.CHANNEL_DESTROY.<first of Origination-Call-ID, Call-ID,
 * Unique-ID>`, so it is not the call id; everything here reads the body only.
 * Durations are strings in 3.x and integers in 4.x; cdrToCall coerces both.
 */
export function kazooEventToCdr(body: unknown, opts: KazooEventOptions = {}): KazooEventResult {
  let parsed = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const textBody = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    try {
      parsed = JSON.parse(textBody);
    } catch (err) {
      return { kind: 'bad', reason: `body: invalid JSON: ${err instanceof Error ? err.message.slice(0, 120) : 'unparsable'}` };
    }
  }
  const event = asObject(parsed);
  if (event === undefined) return { kind: 'bad', reason: `body: not a JSON object: ${shown(parsed)}` };

  const name = event['Event-Name'];
  if (name !== 'CHANNEL_DESTROY') return { kind: 'skip', reason: `Event-Name: not CHANNEL_DESTROY: ${shown(name)}` };

  const app = event['Application-Name'];
  if (typeof app === 'string' && (opts.ignoreApps ?? DEFAULT_IGNORE_APPS).includes(app)) {
    return { kind: 'skip', reason: `Application-Name: ignored app ${app}` };
  }
  if ((opts.ignoreLoopbackBowout ?? true) && isLoopbackBowout(event)) {
    return { kind: 'skip', reason: 'loopback bow-out leg' };
  }
  return { kind: 'cdr', doc: normalise(event) as Record<string, unknown> };
}

/** Kazoo's test for a loopback leg that bowed out: its call is recorded by the other legs. */
function isLoopbackBowout(e: Record<string, unknown>): boolean {
  if (!isTrue(e['Channel-Is-Loopback']) || !isTrue(e['Channel-Loopback-Bowout']) || !isTrue(e['Channel-Loopback-Bowout-Execute'])) {
    return false;
  }
  const cause = e['Hangup-Cause'];
  const normalHangup = cause === undefined || cause === null || (typeof cause === 'string' && cause.startsWith('NORMAL'));
  return normalHangup || e['Channel-Loopback-Leg'] !== 'B';
}

/** kz_term:is_true: `true` or the string "true" (any case). */
function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** `Custom-Channel-Vars` → `custom_channel_vars`, recursively; arrays keep their order. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  const obj = asObject(value);
  if (obj === undefined) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(obj)) {
    const k = key.toLowerCase().replaceAll('-', '_');
    if (UNSAFE.has(k) || k in out) continue;
    out[k] = normalise(v);
  }
  return out;
}
