import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.js';

describe('countries and regions API (SPEC 2.2, 2.3)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());
  const get = (url: string, method: 'GET' | 'POST' = 'GET') => t.app.inject({ method, url, headers: { 'x-auth-token': t.token } });

  test('lists at least 200 countries, sorted, in English', async () => {
    const res = await get('/v2/accounts/acct1/call_statistics/countries');
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.status, 'success');
    const countries: string[] = body.data.countries;
    assert.ok(countries.length >= 200, `only ${countries.length} countries`);
    assert.deepEqual(
      [...countries].sort((a, b) => a.localeCompare(b)),
      countries.slice().sort((a, b) => a.localeCompare(b)),
    );
    for (const c of ['New Zealand', 'Australia', 'United States', 'United Kingdom', 'Zimbabwe', 'Afghanistan']) {
      assert.ok(countries.includes(c), c);
    }
    assert.equal(typeof body.request_id, 'string');
    assert.equal(body.auth_token, t.token);
  });

  test('regions of New Zealand and Australia carry sorted zone ids', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const res = await get('/v2/accounts/acct1/call_statistics/countries/New%20Zealand&Australia', method);
      assert.equal(res.statusCode, 200, res.body);
      const data = res.json().data.countries;
      assert.deepEqual(Object.keys(data).sort(), ['Australia', 'New Zealand']);
      const balclutha: number[] = data['New Zealand']['New Zealand Balclutha'];
      const mobile: number[] = data['Australia']['Australia Mobile'];
      assert.ok(balclutha.length >= 1 && mobile.length >= 1);
      assert.deepEqual(
        balclutha,
        [...balclutha].sort((a, b) => a - b),
      );
      const zone = t.store.listZones().then((zs) => zs.find((z) => z.prefix === '643412'));
      assert.ok(balclutha.includes((await zone)!.id));
      for (const name of Object.keys(data['New Zealand'])) assert.ok(name.startsWith('New Zealand '), name);
    }
  });

  test('an unknown country is a 400 that names it', async () => {
    const res = await get('/v2/accounts/acct1/call_statistics/countries/Atlantis&Australia');
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.status, 'error');
    assert.equal(body.error, '400');
    assert.ok(JSON.stringify(body.data).includes('Atlantis'), JSON.stringify(body.data));
  });
});
