import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { createWebhookToken } from '../../src/accounts/tokens.js';
import { CHANNEL_DESTROY_PAYLOAD, kazooQueryString } from '../fixtures/ingest/kazoo-form.js';
import { ACCOUNT, DESIGN_DOC, LEDGER, allDocsDump, changesFeed, storedCdr, websocketEvent } from '../fixtures/ingest/kazoo-docs.js';

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

  test('POST .../cdrs: a MODB dump and a _changes feed store their CDRs and count the rest as skipped', async () => {
    const dump = allDocsDump([DESIGN_DOC, storedCdr('h1', 0), LEDGER, storedCdr('h2', 60)]);
    const r = await post(ACCOUNT, JSON.stringify(dump));
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().data, { accepted: 2, duplicates: 0, rejected: [], rejected_count: 0, skipped: 2 });
    const feed = changesFeed([storedCdr('h3', 120), LEDGER, { _id: '201905-x', _rev: '2-a', _deleted: true }]);
    const f = await post(ACCOUNT, JSON.stringify(feed));
    assert.deepEqual(f.json().data, { accepted: 1, duplicates: 0, rejected: [], rejected_count: 0, skipped: 2 });
    const ws = await post(ACCOUNT, JSON.stringify(websocketEvent('DETECTED_SPEECH', 'h4')));
    assert.deepEqual(ws.json().data, { accepted: 0, duplicates: 0, rejected: [], rejected_count: 0, skipped: 1 });
    assert.equal(await t.store.countCalls(ACCOUNT), 3);
  });
});

describe('the channel_destroy webhook as Kazoo sends it (webhooks_util.erl do_fire, each http_verb)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let url = '';
  const P = CHANNEL_DESTROY_PAYLOAD;
  before(async () => {
    t = await testApp();
    url = `/v2/webhooks/${(await createWebhookToken(t.store, P.account_id)).token}/channel_destroy`;
  });
  after(() => t.close());
  const stored = async (callId: string): Promise<unknown[]> => {
    const rows = await t.store.all({
      sql: 'SELECT call_id, call_time, duration_seconds, billing_seconds, caller_id_number FROM calls WHERE call_id = ?',
      params: [callId],
    });
    return rows.map((r) => [r.call_id, r.call_time, r.duration_seconds, r.billing_seconds, r.caller_id_number]);
  };
  const start = 63724349409 - 62167219200 - 6;

  test('http_verb put, format json: the pretty-printed JSON body is stored', async () => {
    const r = await t.app.inject({
      method: 'PUT',
      url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ...P, call_id: 'put-json' }, null, 2),
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().data, { accepted: 1, duplicates: 0, rejected: [], rejected_count: 0, skipped: 0 });
    assert.deepEqual(await stored('put-json'), [['put-json', start, 6, 6, '+15556783945']]);
  });

  test("http_verb post and put, format form-data: Kazoo's form encoding (nested a[b]=v, lists a[]=v) is stored", async () => {
    for (const method of ['POST', 'PUT'] as const) {
      const callId = `form-${method}`;
      const payload = kazooQueryString({ ...P, call_id: callId });
      assert.match(payload, /custom_channel_vars\[media_recordings\]\[\]=call\+2\.mp3/);
      const r = await t.app.inject({ method, url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });
      assert.equal(r.statusCode, 200, `${method}: ${r.body}`);
      assert.equal(r.json().data.accepted, 1, method);
      assert.deepEqual(await stored(callId), [[callId, start, 6, 6, '+15556783945']]);
    }
  });

  test('http_verb get: the payload in the query string is stored; a GET is never a 405', async () => {
    const r = await t.app.inject({ method: 'GET', url: `${url}?${kazooQueryString({ ...P, call_id: 'get-qs' })}` });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().data, { accepted: 1, duplicates: 0, rejected: [], rejected_count: 0, skipped: 0 });
    assert.deepEqual(await stored('get-qs'), [['get-qs', start, 6, 6, '+15556783945']]);
    const again = await t.app.inject({ method: 'GET', url: `${url}?${kazooQueryString({ ...P, call_id: 'get-qs' })}` });
    assert.equal(again.json().data.duplicates, 1);
  });

  test('a hook of another event (channel_create) is answered 200 and skipped, so Kazoo does not disable the hook', async () => {
    const payload = kazooQueryString({ ...P, call_id: 'create-1', hook_event: 'channel_create' });
    const r = await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().data, { accepted: 0, duplicates: 0, rejected: [], rejected_count: 0, skipped: 1 });
    assert.deepEqual(await stored('create-1'), []);
  });
});
