import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallstatsError } from '../../src/core/errors.js';
import { parseQuery } from '../../src/query/parse-query.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_ENTRIES } from '../../src/query/parse-filter.js';
import { testContext } from './parse-context.js';

/** Asserts that `q` is refused with a 400 of `code` whose data names exactly `path` (and `reason`, when given). */
function refuses(q: unknown, code: string, path: string, reason?: string, ctx = testContext()): void {
  assert.throws(
    () => parseQuery(q, ctx),
    (e: unknown) => {
      assert.ok(e instanceof CallstatsError, String(e));
      assert.equal(e.status, 400);
      assert.equal(e.code, code, JSON.stringify(e.data));
      const data = e.data.q as Record<string, string>;
      assert.deepEqual(Object.keys(data), [path]);
      if (reason !== undefined) assert.equal(data[path], reason);
      return true;
    },
  );
}
const f = (...entries: unknown[]) => ({ filters: entries });

test('q that is not JSON or not an object is refused at `q`', () => {
  refuses('{"filters": [', 'ERR_QUERY_JSON', 'q');
  refuses('[1,2]', 'ERR_QUERY_JSON', 'q', 'expected a JSON object');
  refuses('42', 'ERR_QUERY_JSON', 'q', 'expected a JSON object');
  refuses(7, 'ERR_QUERY_JSON', 'q', 'expected a JSON object');
  refuses({ data: [1] }, 'ERR_QUERY_JSON', 'data', 'expected a JSON object');
});

test('filters must be a list of objects', () => {
  refuses({ filters: {} }, 'ERR_FILTER_SHAPE', 'filters', 'expected a list');
  refuses(f('x'), 'ERR_FILTER_SHAPE', 'filters[0]', 'expected an object');
  refuses(f({ or: {} }), 'ERR_FILTER_SHAPE', 'filters[0].or', 'expected a list');
  refuses(f({ or: [], name: 'x' }), 'ERR_FILTER_SHAPE', 'filters[0].name', "an 'or' entry takes no other key");
  refuses(f({ name: 'unanswered', op: 'eq', val: 1, value: 1 }), 'ERR_FILTER_SHAPE', 'filters[0].value', "unknown key 'value'");
  refuses(f({ op: 'eq', val: 1 }), 'ERR_FILTER_SHAPE', 'filters[0].name', 'missing field name');
  refuses(f({ name: 'unanswered', val: 1 }), 'ERR_FILTER_SHAPE', 'filters[0].op', 'missing operator');
  refuses(
    f({ name: 'duration_seconds', op: 'eq', val: 1, field: 'billing_seconds' }),
    'ERR_FILTER_SHAPE',
    'filters[0].field',
    "give either 'val' or 'field', not both",
  );
});

test('unknown fields are refused with their path, including prototype names', () => {
  refuses(f({ name: 'account_id', op: 'eq', val: 'a' }), 'ERR_FILTER_UNKNOWN_FIELD', 'filters[0].name', "unknown field 'account_id'");
  refuses(f({ name: '__proto__', op: 'eq', val: 'a' }), 'ERR_FILTER_UNKNOWN_FIELD', 'filters[0].name');
  refuses(f({ name: 'constructor', op: 'eq', val: 'a' }), 'ERR_FILTER_UNKNOWN_FIELD', 'filters[0].name');
  refuses(f({ name: 'duration_seconds', op: 'lt', field: 'nope' }), 'ERR_FILTER_UNKNOWN_FIELD', 'filters[0].field', "unknown field 'nope'");
});

test('unknown operators are refused at the exact nested path', () => {
  const q = f(
    { name: 'unanswered', op: 'eq', val: 1 },
    { name: 'unanswered', op: 'eq', val: 1 },
    { or: [{ name: 'unanswered', op: 'equalz', val: 1 }] },
  );
  refuses(q, 'ERR_FILTER_UNKNOWN_OP', 'filters[2].or[0].op', "unknown operator 'equalz'");
  refuses(f({ name: 'unanswered', op: 'EQ', val: 1 }), 'ERR_FILTER_UNKNOWN_OP', 'filters[0].op');
  refuses(f({ name: 'unanswered', op: 'toString', val: 1 }), 'ERR_FILTER_UNKNOWN_OP', 'filters[0].op');
  refuses(f({ name: 'unanswered', op: 5, val: 1 }), 'ERR_FILTER_UNKNOWN_OP', 'filters[0].op', 'expected an operator name');
});

test('has/any are refused: there are no relations', () => {
  refuses(
    f({ name: 'caller_zone_id', op: 'has', val: 1 }),
    'ERR_FILTER_OP',
    'filters[0].op',
    "operator 'has' needs a relation; there are no relations here",
  );
  refuses(f({ name: 'caller_zone_id', op: 'any', val: 1 }), 'ERR_FILTER_OP', 'filters[0].op');
});

test('operators that do not fit the field type are refused', () => {
  refuses(
    f({ name: 'caller_zone_id', op: 'like', val: '5%' }),
    'ERR_FILTER_OP',
    'filters[0].op',
    "operator 'like' does not apply to integer field 'caller_zone_id'",
  );
  refuses(f({ name: 'call_direction', op: 'ilike', val: 'in%' }), 'ERR_FILTER_OP', 'filters[0].op');
  refuses(
    f({ name: 'call_direction', op: '>', val: 'inbound' }),
    'ERR_FILTER_OP',
    'filters[0].op',
    "operator '>' does not apply to enum field 'call_direction'",
  );
  refuses(f({ name: 'unanswered', op: 'lt', val: true }), 'ERR_FILTER_OP', 'filters[0].op');
});

test('missing or wrongly typed values are refused at val', () => {
  const V = 'ERR_FILTER_VALUE';
  refuses(f({ name: 'caller_zone_id', op: 'eq' }), V, 'filters[0].val', 'missing val');
  refuses(f({ name: 'caller_zone_id', op: 'eq', val: 'abc' }), V, 'filters[0].val', 'expected an integer');
  refuses(f({ name: 'caller_zone_id', op: 'eq', val: 1.5 }), V, 'filters[0].val', 'expected an integer');
  refuses(f({ name: 'caller_zone_id', op: 'eq', val: '9007199254740993' }), V, 'filters[0].val', 'expected an integer');
  refuses(f({ name: 'caller_zone_id', op: 'eq', val: ' 5' }), V, 'filters[0].val', 'expected an integer');
  refuses(f({ name: 'call_direction', op: 'eq', val: 'Inbound' }), V, 'filters[0].val', "expected 'inbound' or 'outbound'");
  refuses(f({ name: 'unanswered', op: 'eq', val: 'yes' }), V, 'filters[0].val', 'expected true or false');
  refuses(f({ name: 'unanswered', op: 'eq', val: 2 }), V, 'filters[0].val', 'expected true or false');
  refuses(f({ name: 'caller_id_name', op: 'eq', val: 5 }), V, 'filters[0].val', 'expected a string');
  refuses(f({ name: 'caller_id_name', op: 'eq', val: '\ud800' }), V, 'filters[0].val', 'expected valid Unicode text');
  refuses(f({ name: 'call_time', op: 'ge', val: 1457078400 }), V, 'filters[0].val', 'expected a time string');
  refuses(
    f({ name: 'call_time', op: 'ge', val: 'yesterday' }),
    V,
    'filters[0].val',
    `invalid time 'yesterday': expected "HH:MM:SS DD/MM/YYYY"`,
  );
  refuses(f({ name: 'hangup_cause', op: 'is_null', val: 'x' }), V, 'filters[0].val', 'is_null takes no val');
});

test('null is only allowed through is_null/is_not_null', () => {
  for (const op of ['eq', 'ne', 'gt', 'like', 'in']) {
    refuses(
      f({ name: 'caller_id_name', op, val: null }),
      'ERR_FILTER_VALUE',
      'filters[0].val',
      'null is only allowed through is_null or is_not_null',
    );
  }
  refuses(f({ name: 'caller_zone_id', op: 'in', val: [1, null] }), 'ERR_FILTER_VALUE', 'filters[0].val[1]');
});

test('in/not_in need a non-empty list within the limit, every item typed', () => {
  refuses(f({ name: 'caller_zone_id', op: 'in', val: 5 }), 'ERR_FILTER_VALUE', 'filters[0].val', 'expected a list');
  refuses(f({ name: 'caller_zone_id', op: 'not_in', val: [] }), 'ERR_FILTER_VALUE', 'filters[0].val', 'expected a non-empty list');
  refuses(f({ name: 'caller_zone_id', op: 'in', val: [1, 'x'] }), 'ERR_FILTER_VALUE', 'filters[0].val[1]', 'expected an integer');
  refuses(
    f({ name: 'caller_zone_id', op: 'in', val: [1, 2, 3] }),
    'ERR_FILTER_VALUE',
    'filters[0].val',
    'a list holds at most 2 values',
    testContext({ maxInList: 2 }),
  );
});

test('like patterns: `\\` may only escape %, _ or \\', () => {
  refuses(
    f({ name: 'caller_id_name', op: 'like', val: 'a\\b' }),
    'ERR_FILTER_VALUE',
    'filters[0].val',
    "'\\' in a like pattern must be followed by %, _ or \\",
  );
  refuses(f({ name: 'caller_id_name', op: 'like', val: 'ab\\' }), 'ERR_FILTER_VALUE', 'filters[0].val');
  refuses(f({ name: 'caller_id_name', op: 'like', val: 'x'.repeat(1001) }), 'ERR_FILTER_VALUE', 'filters[0].val');
});

test('field comparisons need a compatible field and a comparison operator', () => {
  refuses(
    f({ name: 'duration_seconds', op: 'lt', field: 'caller_id_name' }),
    'ERR_FILTER_FIELD',
    'filters[0].field',
    "cannot compare integer field 'duration_seconds' with text field 'caller_id_name'",
  );
  refuses(
    f({ name: 'caller_zone_id', op: 'in', field: 'callee_zone_id' }),
    'ERR_FILTER_FIELD',
    'filters[0].field',
    "operator 'in' cannot compare with a field",
  );
  refuses(f({ name: 'caller_id_name', op: 'like', field: 'caller_id_number' }), 'ERR_FILTER_FIELD', 'filters[0].field');
  refuses(f({ name: 'caller_zone_id', op: 'eq', field: 5 }), 'ERR_FILTER_FIELD', 'filters[0].field', 'expected a field name');
});

test('deep nesting and too many entries are 400s, not stack overflows', () => {
  let deep: unknown = { name: 'unanswered', op: 'eq', val: 1 };
  for (let i = 0; i < 100_000; i++) deep = { or: [deep] };
  refuses(f(deep), 'ERR_FILTER_LIMIT', `filters[0]${'.or[0]'.repeat(MAX_FILTER_DEPTH - 1)}.or`);
  // JSON text built by hand: JSON.stringify itself would overflow on this depth.
  const text = `{"filters":[${'{"or":['.repeat(100_000)}{"name":"unanswered","op":"eq","val":1}${']}'.repeat(100_000)}]}`;
  refuses(text, 'ERR_FILTER_LIMIT', `filters[0]${'.or[0]'.repeat(MAX_FILTER_DEPTH - 1)}.or`);
  const many = Array.from({ length: MAX_FILTER_ENTRIES + 1 }, () => ({ name: 'unanswered', op: 'eq', val: 1 }));
  refuses(f(...many), 'ERR_FILTER_LIMIT', `filters[${MAX_FILTER_ENTRIES}]`);
});

test('nesting up to the limit is accepted', () => {
  let deep: unknown = { name: 'unanswered', op: 'eq', val: 1 };
  for (let i = 1; i < MAX_FILTER_DEPTH; i++) deep = { and: [deep] };
  assert.doesNotThrow(() => parseQuery(f(deep), testContext()));
});

test('bad timezone, grouping, time_format, week_start and metrics are refused at their key', () => {
  refuses({ timezone: 'Mars/Base' }, 'ERR_TIMEZONE', 'timezone', "unknown time zone 'Mars/Base'");
  refuses({ timezone: 5 }, 'ERR_TIMEZONE', 'timezone', 'expected a time zone name');
  refuses({ grouping: 'nope' }, 'ERR_GROUPING', 'grouping', "unknown field 'nope'");
  refuses({ grouping: 'call_time' }, 'ERR_GROUPING', 'grouping');
  refuses({ grouping: ['unanswered'] }, 'ERR_GROUPING', 'grouping', 'expected a field name');
  refuses({ time_format: 'unix' }, 'ERR_TIME_FORMAT', 'time_format', "expected 'kazoo' or 'iso'");
  refuses({ week_start: 'Monday' }, 'ERR_WEEK_START', 'week_start', "expected 'monday' or 'sunday'");
  refuses({ metrics: 'asr' }, 'ERR_METRICS', 'metrics', 'expected a list');
  refuses(
    { metrics: ['asr', 'mos'] },
    'ERR_METRICS',
    'metrics[1]',
    "unknown metric 'mos'; expected one of answered, asr, acd, billing_seconds, percentiles, calls",
  );
});

test('a very long unknown value is echoed cut short', () => {
  assert.throws(
    () => parseQuery({ timezone: 'x'.repeat(10_000) }, testContext()),
    (e: CallstatsError) => {
      return (e.data.q as Record<string, string>).timezone.length < 150;
    },
  );
});
