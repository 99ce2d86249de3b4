import type { Call } from '../../src/core/call.js';
import { call } from '../helpers/call.js';

/** A call with plausible defaults; `i` makes the call_id and time unique. */
export function makeCall(account: string, i: number, over: Partial<Call> = {}): Call {
  return call({
    account_id: account,
    call_id: `call-${i}`,
    call_time: 1457078400 + i * 61,
    call_direction: i % 2 ? 'inbound' : 'outbound',
    caller_id_name: `Caller ${i}`,
    caller_id_number: `+6434120${i % 10}`,
    callee_id_number: `+61400000${i % 7}`,
    callee_zone_id: 3,
    duration_seconds: i % 90,
    billing_seconds: i % 3 ? i % 90 : 0,
    ringing_seconds: i % 5 ? 4 : null,
    unanswered: i % 3 === 0,
    hangup_cause: 'NORMAL_CLEARING',
    ...over,
  });
}
