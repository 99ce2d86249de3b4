import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../src/query/parse-query.js';
import { allAliases } from '../../src/query/operators.js';
import { andNode, comparisonNode, fieldComparisonNode, inNode, likeNode, nullCheckNode, orNode } from '../../src/query/ast.js';
import { testContext } from './parse-context.js';

const parse = (q: unknown) => parseQuery(q, testContext());

test('absent or empty q gives the defaults', () => {
  const defaults = { filters: andNode([]), timezone: 'UTC', timeFormat: 'kazoo', metrics: [] };
  for (const q of [undefined, null, '', '  ', '{}', {}, { data: {} }, '{"data":{}}', { filters: [] }]) {
    assert.deepEqual(parse(q), defaults, JSON.stringify(q));
  }
});

test('the data wrapper and the bare object mean the same', () => {
  const body = { filters: [{ name: 'call_direction', op: '==', val: 'inbound' }], grouping: 'unanswered' };
  assert.deepEqual(parse({ data: body }), parse(body));
  assert.deepEqual(parse(JSON.stringify({ data: body })), parse(body));
});

test('every alias of SPEC 3.2 maps to its canonical operator', () => {
  const spec: Record<string, string> = {
    '==': 'eq',
    eq: 'eq',
    equals: 'eq',
    equal_to: 'eq',
    equals_to: 'eq',
    '!=': 'ne',
    ne: 'ne',
    neq: 'ne',
    does_not_equal: 'ne',
    not_equal_to: 'ne',
    '>': 'gt',
    gt: 'gt',
    '<': 'lt',
    lt: 'lt',
    '>=': 'ge',
    ge: 'ge',
    gte: 'ge',
    geq: 'ge',
    '<=': 'le',
    le: 'le',
    lte: 'le',
    leq: 'le',
    in: 'in',
    not_in: 'not_in',
    is_null: 'is_null',
    is_not_null: 'is_not_null',
    like: 'like',
    ilike: 'ilike',
  };
  assert.deepEqual(Object.fromEntries(allAliases()), spec);
  for (const [alias, op] of Object.entries(spec)) {
    const val = op === 'in' || op === 'not_in' ? ['5'] : op.includes('like') ? '5%' : '5';
    const entry = op.startsWith('is_') ? { name: 'caller_id_number', op: alias } : { name: 'caller_id_number', op: alias, val };
    const node = parse({ filters: [entry] }).filters.children[0];
    assert.equal((node as { op: string }).op, op, alias);
  }
});

test('entries become typed AST nodes, values coerced to the field type', () => {
  const q = parse({
    timezone: 'UTC',
    filters: [
      { name: 'caller_zone_id', op: 'in', val: [5023, '5024'] },
      { or: [{ name: 'unanswered', op: 'eq', val: '1' }, { and: [{ name: 'hangup_cause', op: 'is_null' }] }] },
      { name: 'billing_seconds', op: 'lt', field: 'duration_seconds' },
      { name: 'caller_id_name', op: 'ilike', val: 'a\\%b%' },
      { name: 'duration_seconds', op: '>=', val: '60' },
      { name: 'unanswered', op: '!=', val: false },
    ],
  });
  assert.deepEqual(
    q.filters,
    andNode([
      inNode('caller_zone_id', 'in', [5023, 5024]),
      orNode([comparisonNode('unanswered', 'eq', true), andNode([nullCheckNode('hangup_cause', 'is_null')])]),
      fieldComparisonNode('billing_seconds', 'lt', 'duration_seconds'),
      likeNode('caller_id_name', 'ilike', 'a\\%b%'),
      comparisonNode('duration_seconds', 'ge', 60),
      comparisonNode('unanswered', 'ne', false),
    ]),
  );
  assert.ok(Object.isFrozen(q.filters) && Object.isFrozen(q.filters.children[0]));
});

test('booleans accept true/false, 1/0 and their strings', () => {
  for (const [val, want] of [
    [true, true],
    [1, true],
    ['true', true],
    ['1', true],
    [false, false],
    [0, false],
    ['false', false],
    ['0', false],
  ] as const) {
    assert.deepEqual(
      parse({ filters: [{ name: 'unanswered', op: 'eq', val }] }).filters.children[0],
      comparisonNode('unanswered', 'eq', want),
    );
  }
});

test('call_time values are parsed in the request time zone even when timezone comes after filters', () => {
  const ctx = testContext();
  const q = parseQuery('{"filters":[{"name":"call_time","op":">=","val":"13:00:00 04/03/2016"}],"timezone":"Pacific/Auckland"}', ctx);
  assert.equal(q.timezone, 'Pacific/Auckland');
  assert.deepEqual(ctx.zonesSeen, ['Pacific/Auckland']);
  assert.deepEqual(q.filters.children[0], comparisonNode('call_time', 'ge', Date.UTC(2016, 2, 4, 0) / 1000));
});

test('extensions: grouping, time_format, week_start, metrics (deduplicated)', () => {
  const q = parse({ grouping: 'caller_country', time_format: 'iso', week_start: 'sunday', metrics: ['asr', 'acd', 'asr', 'percentiles'] });
  assert.deepEqual(q, {
    filters: andNode([]),
    grouping: 'caller_country',
    timezone: 'UTC',
    timeFormat: 'iso',
    weekStart: 'sunday',
    metrics: ['asr', 'acd', 'percentiles'],
  });
});

test('unknown top-level keys are ignored for Kazoo compatibility', () => {
  assert.deepEqual(parse({ verb: 'GET', filters: [], data: { filters: [], foo: 1 } }).filters, andNode([]));
});

test('empty nested and/or lists are allowed: and [] always holds, or [] never does', () => {
  assert.deepEqual(parse({ filters: [{ and: [] }, { or: [] }] }).filters, andNode([andNode([]), orNode([])]));
});

test('is_null tolerates "val": null', () => {
  assert.deepEqual(
    parse({ filters: [{ name: 'hangup_cause', op: 'is_not_null', val: null }] }).filters.children[0],
    nullCheckNode('hangup_cause', 'is_not_null'),
  );
});
