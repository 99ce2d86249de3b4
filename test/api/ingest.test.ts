import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { createWebhookToken } from '../../src/accounts/tokens.js';

const T0 = Date.UTC(2016, 2, 4, 8, 0, 0) / 1000;

describe('HTTP ingest (SPEC 2.7)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());
  const post = (account: string, payload: string, type = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: `/v2/accounts/${account}/call_statistics/cdrs`,
      headers: { 'x-auth-token': t.token, 'content-type': type },
      payload,
    });

  test('stores good records, names the bad one, and never double-counts a re-send', async () => {
    const docs = [
      kazooCdr('c1', T0),
      kazooCdr('c2', T0 + 60, { duration_seconds: 'abc' }),
      kazooCdr('c3', T0 + 120, { billing_seconds: 0 }),
    ];
    const first = await post('accHttp', JSON.stringify({ data: docs }));
    assert.equal(first.statusCode, 200, first.body);
    const d = first.json().data;
    assert.deepEqual(
      { accepted: d.accepted, duplicates: d.duplicates, rejected_count: d.rejected_count },
      { accepted: 2, duplicates: 0, rejected_count: 1 },
    );
    assert.equal(d.rejected[0].index, 1);
    assert.match(d.rejected[0].reason, /duration_seconds/);
    const again = (await post('accHttp', JSON.stringify({ data: docs }))).json().data;
    assert.deepEqual({ accepted: again.accepted, duplicates: again.duplicates }, { accepted: 0, duplicates: 2 });
    assert.equal(await t.store.countCalls('accHttp'), 2);
    const rows = await t.store.all({ sql: "SELECT * FROM calls WHERE account_id = 'accHttp' ORDER BY call_id", params: [] });
    assert.equal(rows[0].account_id, 'accHttp', 'the URL account wins over the document');
    assert.equal(rows[0].call_time, T0);
    assert.equal(rows[1].unanswered, true);
    const nz = (await t.store.listZones()).find((z) => z.id === rows[0].caller_zone_id);
    assert.deepEqual([nz?.country, nz?.description], ['New Zealand', 'Balclutha']);
  });

  test('NDJSON bodies and bare arrays are accepted', async () => {
    const nd = [kazooCdr('n1', T0), kazooCdr('n2', T0)].map((d) => JSON.stringify(d)).join('\n') + '\n';
    const r = (await post('accNd', nd, 'application/x-ndjson')).json().data;
    assert.deepEqual([r.accepted, r.duplicates, r.rejected_count], [2, 0, 0]);
    const arr = (await post('accNd', JSON.stringify([kazooCdr('n3', T0), kazooCdr('n1', T0)]))).json().data;
    assert.deepEqual([arr.accepted, arr.duplicates], [1, 1]);
    assert.equal(await t.store.countCalls('accNd'), 3);
  });

  test('a body cut inside its JSON is a 400 and stores nothing, not even the records before the cut', async () => {
    const body = '{"data": [' + JSON.stringify(kazooCdr('m1', T0)) + ', {"call_id": ';
    const res = await post('accBad', body);
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(res.json().data, { body: 'invalid JSON: the body ends inside a value (cut off?)' });
    assert.equal(await t.store.countCalls('accBad'), 0);
  });

  test("the channel_destroy webhook stores JSON and form bodies for the token's account only", async () => {
    const hook = await createWebhookToken(t.store, 'accHook');
    const url = `/v2/webhooks/${hook.token}/channel_destroy`;
    const json = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ...kazooCdr('w1', T0), hook_event: 'channel_destroy' }),
    });
    assert.equal(json.statusCode, 200, json.body);
    assert.equal(json.json().data.accepted, 1);
    const form = new URLSearchParams({
      call_id: 'w2',
      call_direction: 'inbound',
      timestamp: String(T0 + 62167219200 + 30),
      duration_seconds: '30',
      billing_seconds: '25',
      caller_id_number: '+6434123456',
      callee_id_number: '1001',
      hook_event: 'channel_destroy',
    });
    const fr = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form.toString(),
    });
    assert.equal(fr.statusCode, 200, fr.body);
    assert.equal(fr.json().data.accepted, 1);
    const again = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form.toString(),
    });
    assert.equal(again.json().data.duplicates, 1);
    assert.equal(await t.store.countCalls('accHook'), 2);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v2/webhooks/0123456789abcdef.nope/channel_destroy',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    assert.equal(bad.statusCode, 401);
    const keyAsHook = await t.app.inject({
      method: 'POST',
      url: `/v2/webhooks/${t.token}/channel_destroy`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(kazooCdr('w3', T0)),
    });
    assert.equal(keyAsHook.statusCode, 401, 'an API key is not a webhook token');
  });
});
