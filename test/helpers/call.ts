import type { Call } from '../../src/core/call.js';

/**
 * A stored Call for tests: `overrides` on top of a plain answered inbound call with every optional
 * field missing. Tests name only what they pin, so a new column (core/call.ts) touches no test.
 */
export function call(overrides: Partial<Call> = {}): Call {
  return {
    account_id: 'acc',
    call_id: 'call-1',
    call_time: 1457078400,
    call_direction: 'inbound',
    caller_id_name: null,
    caller_id_number: null,
    callee_id_number: null,
    caller_zone_id: null,
    callee_zone_id: null,
    duration_seconds: 60,
    billing_seconds: 60,
    ringing_seconds: null,
    unanswered: false,
    hangup_cause: null,
    interaction_id: null,
    other_leg_call_id: null,
    bridge_id: null,
    resource_type: null,
    authorizing_type: null,
    authorizing_id: null,
    owner_id: null,
    hangup_code: null,
    disposition: null,
    media_server: null,
    reseller_id: null,
    ...overrides,
  };
}
