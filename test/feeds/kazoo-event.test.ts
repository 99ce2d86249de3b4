import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdrToCall } from '../../src/ingest/cdr-to-call.js';
import { kazooEventToCdr } from '../../src/ingest/kazoo-event.js';
import { call } from '../helpers/call.js';
import { kazoo322ChannelDestroy, kazoo43ChannelDestroy, routingKey } from './fixtures/kazoo-events.js';

const ACCOUNT = '91eb05e5c68d7ca05e7618b6821d2d16';
const spec = { accountId: ACCOUNT, callId: 'abc.123@10.0.0.1', hangupUnix: 1_700_000_042, duration: 42, billing: 39, ringing: 3 };
const noZones = { zoneOf: () => null };

function toCall(event: unknown) {
  const r = kazooEventToCdr(JSON.stringify(event));
  assert.equal(r.kind, 'cdr');
  if (r.kind !== 'cdr') throw new Error('unreachable');
  return cdrToCall(r.doc, noZones);
}

const expected = call({
  account_id: ACCOUNT,
  call_id: 'abc.123@10.0.0.1',
  call_time: 1_700_000_000,
  caller_id_name: 'Alice Example',
  caller_id_number: '+6434123456',
  callee_id_number: '+61412345678',
  duration_seconds: 42,
  billing_seconds: 39,
  ringing_seconds: 3,
  hangup_cause: 'NORMAL_CLEARING',
  // Kazoo's fields both releases carry at the top level of CHANNEL_DESTROY.
  interaction_id: '63867219200-abcdef12',
  other_leg_call_id: 'abc.123@10.0.0.1-b',
  hangup_code: 'sip:200',
  disposition: 'SEND_BYE',
  media_server: 'fs1.example.net',
});

test('a Kazoo 3.22 CHANNEL_DESTROY (durations as strings) becomes the same call as its CDR', () => {
  // 3.22's device leg: who authorised it, in Custom-Channel-Vars.
  assert.deepEqual(toCall(kazoo322ChannelDestroy(spec)), {
    ok: true,
    call: {
      ...expected,
      call_direction: 'inbound',
      authorizing_type: 'device',
      authorizing_id: '0123456789abcdef0123456789abcdef',
      owner_id: 'fedcba9876543210fedcba9876543210',
    },
  });
});

test('a Kazoo 4.3 CHANNEL_DESTROY (durations as integers) becomes the same call as its CDR', () => {
  // 4.3's offnet leg: resource type and reseller in Custom-Channel-Vars.
  assert.deepEqual(toCall(kazoo43ChannelDestroy(spec)), {
    ok: true,
    call: { ...expected, call_direction: 'outbound', resource_type: 'offnet-termination', reseller_id: '00000000000000000000000000000001' },
  });
});

test('Title-Dash keys are normalised at every depth, as kz_json:normalize_jobj does', () => {
  const r = kazooEventToCdr(kazoo43ChannelDestroy(spec));
  assert.equal(r.kind, 'cdr');
  if (r.kind !== 'cdr') return;
  assert.equal(r.doc.call_id, 'abc.123@10.0.0.1');
  assert.equal(r.doc.origination_call_id, 'orig-abc.123@10.0.0.1');
  assert.deepEqual(r.doc.custom_channel_vars, {
    account_id: ACCOUNT,
    reseller_id: '00000000000000000000000000000001',
    resource_type: 'offnet-termination',
    call_interaction_id: '63867219200-abcdef12',
    e164_destination: '+61412345678',
  });
});

test('the call id comes from the body, not from the routing key (which uses Origination-Call-ID)', () => {
  const event = kazoo43ChannelDestroy(spec);
  assert.equal(routingKey(event), 'call.CHANNEL_DESTROY.orig-abc%2E123%4010%2E0%2E0%2E1');
  const r = toCall(event);
  assert.equal(r.ok && r.call.call_id, 'abc.123@10.0.0.1');
});

test('other event names are skipped with a reason', () => {
  assert.deepEqual(kazooEventToCdr({ ...kazoo43ChannelDestroy(spec), 'Event-Name': 'CHANNEL_CREATE' }), {
    kind: 'skip',
    reason: "Event-Name: not CHANNEL_DESTROY: 'CHANNEL_CREATE'",
  });
});

test('legs of ignore_apps (milliwatt by default) are skipped, as Kazoo cdr does', () => {
  const event = { ...kazoo43ChannelDestroy(spec), 'Application-Name': 'milliwatt' };
  assert.deepEqual(kazooEventToCdr(event), { kind: 'skip', reason: 'Application-Name: ignored app milliwatt' });
  assert.equal(kazooEventToCdr(event, { ignoreApps: [] }).kind, 'cdr');
});

test('a loopback bow-out leg is skipped unless it is a B leg that failed', () => {
  const loop = {
    ...kazoo43ChannelDestroy(spec),
    'Channel-Is-Loopback': true,
    'Channel-Loopback-Bowout': 'true',
    'Channel-Loopback-Bowout-Execute': true,
    'Channel-Loopback-Leg': 'B',
  };
  assert.deepEqual(kazooEventToCdr(loop), { kind: 'skip', reason: 'loopback bow-out leg' });
  assert.equal(kazooEventToCdr({ ...loop, 'Hangup-Cause': 'USER_BUSY' }).kind, 'cdr');
  assert.equal(kazooEventToCdr({ ...loop, 'Hangup-Cause': 'USER_BUSY', 'Channel-Loopback-Leg': 'A' }).kind, 'skip');
  assert.equal(kazooEventToCdr({ ...loop, 'Channel-Loopback-Bowout-Execute': false }).kind, 'cdr');
  assert.equal(kazooEventToCdr(loop, { ignoreLoopbackBowout: false }).kind, 'cdr');
});

test('a body that is not JSON, or not an object, is bad with a reason', () => {
  const notJson = kazooEventToCdr(Buffer.from('{"Event-Name": "CHANNEL_DESTROY", '));
  assert.equal(notJson.kind, 'bad');
  assert.match(notJson.kind === 'bad' ? notJson.reason : '', /^body: invalid JSON: /);
  assert.deepEqual(kazooEventToCdr('[1,2]'), { kind: 'bad', reason: "body: not a JSON object: '[1,2]'" });
});

test('a CHANNEL_DESTROY without Call-ID is rejected by the one CDR mapping, naming the field', () => {
  const event = kazoo43ChannelDestroy(spec);
  delete event['Call-ID'];
  assert.deepEqual(toCall(event), { ok: false, reason: 'call_id: missing' });
});

test('__proto__ keys in an event are dropped, never merged', () => {
  const r = kazooEventToCdr('{"Event-Name":"CHANNEL_DESTROY","__proto__":{"polluted":1},"Call-ID":"x"}');
  assert.equal(r.kind, 'cdr');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(r.kind === 'cdr' && Object.keys(r.doc), ['event_name', 'call_id']);
});
