import { GREGORIAN_UNIX_OFFSET } from '../../src/core/call.js';

/** A Kazoo-shaped CDR (crossbar /cdrs style: most numbers as strings) starting at `startUnix`. */
export function kazooCdr(callId: string, startUnix: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  const duration = Number(over.duration_seconds ?? 65);
  return {
    call_id: callId,
    call_direction: 'outbound',
    caller_id_name: 'Alice',
    caller_id_number: '+6434123456',
    callee_id_number: '+61412345678',
    timestamp: String(startUnix + duration + GREGORIAN_UNIX_OFFSET),
    duration_seconds: String(duration),
    billing_seconds: '60',
    ringing_seconds: '5',
    hangup_cause: 'NORMAL_CLEARING',
    custom_channel_vars: { account_id: 'acct00000000000000000000000000a1' },
    ...over,
  };
}
