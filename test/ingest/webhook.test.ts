import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdrToCall } from '../../src/ingest/cdr-to-call.js';
import { notACdr } from '../../src/ingest/documents.js';
import { parseWebhookBody } from '../../src/ingest/webhook.js';
import { CHANNEL_DESTROY_PAYLOAD, kazooQueryString } from '../fixtures/ingest/kazoo-form.js';
import { call } from '../helpers/call.js';

/** Fields of a Kazoo channel_destroy webhook payload (base channel event + the destroy extras). */
const payload = {
  account_id: '91eb05e5c68d7ca05e7618b6821d2d16',
  call_direction: 'inbound',
  call_id: 'NDlkNGI3OTZlMDgzNWQxNGYxNTA3NjQ4NDZjNDFkOTc',
  callee_id_name: 'Caller Test',
  callee_id_number: '+15552345678',
  caller_id_name: 'Test Man',
  caller_id_number: '+15556783945',
  custom_channel_vars: { account_id: '91eb05e5c68d7ca05e7618b6821d2d16' },
  from: '+15556783945@matrix.test.com',
  request: '+15552345678@matrix.test.com',
  timestamp: '63724349409',
  to: '+15552345678@matrix.test.com',
  hook_event: 'channel_destroy',
  hangup_cause: 'NORMAL_CLEARING',
  hangup_code: 'sip:200',
  duration_seconds: '42',
  ringing_seconds: '3',
  billing_seconds: '39',
};

const expectedCall = call({
  account_id: '91eb05e5c68d7ca05e7618b6821d2d16',
  call_id: 'NDlkNGI3OTZlMDgzNWQxNGYxNTA3NjQ4NDZjNDFkOTc',
  call_time: 63724349409 - 62167219200 - 42,
  caller_id_name: 'Test Man',
  caller_id_number: '+15556783945',
  callee_id_number: '+15552345678',
  duration_seconds: 42,
  billing_seconds: 39,
  ringing_seconds: 3,
  hangup_cause: 'NORMAL_CLEARING',
  hangup_code: 'sip:200',
});
const zoneOf = (): null => null;

test('a JSON body, raw or already parsed, becomes the payload', () => {
  const raw = parseWebhookBody(JSON.stringify(payload), 'application/json; charset=utf-8');
  assert.deepEqual(raw, { ok: true, doc: payload });
  assert.deepEqual(parseWebhookBody(payload, 'application/json'), { ok: true, doc: payload });
  assert.deepEqual(parseWebhookBody(Buffer.from(JSON.stringify(payload)), 'application/json'), { ok: true, doc: payload });
  const r = parseWebhookBody(payload, 'application/json');
  assert.deepEqual(r.ok && cdrToCall(r.doc, { zoneOf }), { ok: true, call: expectedCall });
});

test('a form body with bracketed nested keys becomes the same document', () => {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(payload)) {
    if (typeof v === 'string') form.append(k, v);
    else for (const [k2, v2] of Object.entries(v)) form.append(`${k}[${k2}]`, v2);
  }
  form.append('__proto__[polluted]', 'yes');
  const r = parseWebhookBody(form.toString(), 'application/x-www-form-urlencoded');
  assert.deepEqual(r, { ok: true, doc: payload });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const parsed = Object.fromEntries(form.entries());
  assert.deepEqual(parseWebhookBody(parsed, 'application/x-www-form-urlencoded'), { ok: true, doc: payload });
  assert.deepEqual(r.ok && cdrToCall(r.doc, { zoneOf }), { ok: true, call: expectedCall });
});

test('malformed bodies and other content types are refused with a reason; another hook event is marked not a CDR', () => {
  assert.equal(parseWebhookBody('{"a":', 'application/json').ok, false);
  assert.deepEqual(parseWebhookBody('[1]', 'application/json'), { ok: false, reason: 'body: not a JSON object' });
  assert.deepEqual(parseWebhookBody('x', 'text/plain'), {
    ok: false,
    reason: "content-type: expected application/json or application/x-www-form-urlencoded, got 'text/plain'",
  });
  const create = parseWebhookBody({ ...payload, hook_event: 'channel_create' }, 'application/json');
  assert.deepEqual(create.ok && notACdr(create.doc), "hook_event 'channel_create': not channel_destroy");
});

test("Kazoo's own form encoding (kz_http_util:json_to_querystring) decodes to the payload: nested keys, lists in order, scalars as text", () => {
  const body = kazooQueryString(CHANNEL_DESTROY_PAYLOAD);
  // What Kazoo wrote for the list, the nested object and the empty object (nothing, hence `&&`).
  assert.match(body, /&custom_channel_vars\[media_recordings\]\[\]=call-1\.mp3&custom_channel_vars\[media_recordings\]\[\]=call\+2\.mp3&/);
  assert.match(body, /&custom_application_vars=|&&/);
  const text = (v: unknown): unknown => (v !== null && typeof v === 'object' ? v : String(v));
  const expected = Object.fromEntries(
    Object.entries(CHANNEL_DESTROY_PAYLOAD)
      .filter(([k]) => k !== 'custom_application_vars')
      .map(([k, v]) => [k, text(v)]),
  );
  assert.deepEqual(parseWebhookBody(body, 'application/x-www-form-urlencoded'), { ok: true, doc: expected });
});
