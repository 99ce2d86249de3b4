import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.js';
import { allFields } from '../../src/query/fields.js';
import { allAliases } from '../../src/query/operators.js';

describe('GET /openapi.json describes the API from the route schemas', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let doc: {
    openapi: string;
    paths: Record<
      string,
      Record<string, { parameters: { name: string; in: string }[]; responses: Record<string, unknown>; requestBody?: unknown }>
    >;
    components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> };
  };
  before(async () => {
    t = await testApp({ CALLSTATS_RATE_LIMIT: '0' });
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' }); // no token: the docs are public
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    doc = JSON.parse(res.body);
  });
  after(() => t.close());

  test('is OpenAPI 3.0 and lists every public route with its methods, and nothing private', () => {
    assert.match(doc.openapi, /^3\.0\./);
    const listed = Object.fromEntries(Object.entries(doc.paths).map(([p, ops]) => [p, Object.keys(ops).sort()]));
    const A = '/v2/accounts/{account}/call_statistics';
    assert.deepEqual(listed, {
      [`${A}/countries`]: ['get'],
      [`${A}/countries/{list}`]: ['get', 'post'],
      [`${A}/cdrs`]: ['post'],
      '/v2/webhooks/{token}/channel_destroy': ['get', 'post', 'put'],
      [`${A}/csv`]: ['get', 'post'],
      [`${A}/json`]: ['get', 'post'],
      [`${A}/{period}`]: ['get', 'post'],
      '/openapi.json': ['get'],
      '/v2/accounts': ['get'],
      '/v2/fields': ['get'],
      '/': ['get'],
      '/assets/{file}': ['get'],
      '/healthz': ['get'],
      '/readyz': ['get'],
      '/metrics': ['get'],
    });
  });

  test('routes carry their parameters, bodies and error responses', () => {
    const stats = doc.paths['/v2/accounts/{account}/call_statistics/{period}'];
    assert.deepEqual(
      stats.get.parameters.map((p) => `${p.in}:${p.name}`),
      ['path:account', 'path:period', 'query:q', 'query:created_from', 'query:created_to'],
    );
    assert.ok(stats.post.requestBody);
    assert.equal(stats.get.requestBody, undefined);
    const json = doc.paths['/v2/accounts/{account}/call_statistics/json'].get;
    assert.deepEqual(
      json.parameters.map((p) => p.name),
      ['account', 'q', 'created_from', 'created_to', 'page_size', 'start_key'],
    );
    assert.deepEqual(Object.keys(stats.get.responses).sort(), [
      '200',
      '400',
      '401',
      '403',
      '404',
      '405',
      '408',
      '413',
      '414',
      '415',
      '429',
      '503',
      '507',
    ]);
  });

  test('the filter docs list every field and every operator alias from the registries', () => {
    const filter = doc.components.schemas.Filter.properties;
    assert.deepEqual(
      filter.name.enum,
      allFields().map((f) => f.name),
    );
    assert.deepEqual(
      filter.op.enum,
      allAliases().map(([a]) => a),
    );
    for (const alias of [
      '==',
      'eq',
      'equals',
      'equal_to',
      'equals_to',
      '!=',
      'neq',
      'geq',
      'leq',
      'in',
      'not_in',
      'is_null',
      'is_not_null',
      'like',
      'ilike',
    ]) {
      assert.ok(filter.op.enum!.includes(alias), alias);
    }
    const query = doc.components.schemas.Query.properties;
    assert.deepEqual(
      query.grouping.enum,
      allFields()
        .filter((f) => f.groupable)
        .map((f) => f.name),
    );
  });
});
