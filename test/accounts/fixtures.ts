/**
 * A `channel_destroy` webhook payload as Kazoo sends it: the "Base Channel event sample" plus the
 * Channel Destroy fields of `applications/webhooks/doc/events/channels.md` (2600hz/kazoo, master),
 * with the account, call id and timestamp varied per test.
 */
export function channelDestroy(accountId: string, callId: string, timestamp = 63724349409): Record<string, unknown> {
  return {
    account_id: accountId,
    authorizing_id: '7f2b66a620cf9523d349cc5de8f21f37',
    authorizing_type: 'device',
    call_direction: 'inbound',
    call_forwarded: false,
    call_id: callId,
    callee_id_name: 'Caller Test',
    callee_id_number: '+15556783945',
    caller_id_name: 'Test Man',
    caller_id_number: '+15556783945',
    custom_application_vars: {},
    custom_channel_vars: {},
    emergency_resource_used: false,
    from: '+15556783945@matrix.test.com',
    inception: '+15556783945@matrix.test.com',
    is_internal_leg: false,
    local_resource_id: 'd88c4e753d18755ca71adbae784e5f10',
    local_resource_used: true,
    other_leg_call_id: 'af1e1e12f1bcf519a96f2235ab8eeec4',
    owner_id: 'd860229e722bf8f738737365b0b1e333',
    request: '+15552345678@matrix.test.com',
    reseller_id: '026f4f0a6d99f9a19b6aa4aa75501d7d',
    timestamp: String(timestamp),
    to: '+15552345678@matrix.test.com',
    hook_event: 'channel_destroy',
    hangup_cause: 'NORMAL_CLEARING',
    hangup_code: 'sip:200',
    duration_seconds: 6,
    ringing_seconds: 0,
    billing_seconds: 6,
  };
}

/** A reseller, its subaccount, that one's own subaccount, and an unrelated account (32 hex, as Kazoo's). */
export const RESELLER = '026f4f0a6d99f9a19b6aa4aa75501d7d';
export const CHILD = '91eb05e5c68d7ca05e7618b6821d2d16';
export const GRANDCHILD = '3c0a7d5e9b1f4a2c8d6e0f1a2b3c4d5e';
export const STRANGER = 'f00dfeed00000000000000000000beef';
