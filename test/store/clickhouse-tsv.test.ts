import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callIdsTsv, callsTsv, tsvString } from '../../src/store/clickhouse/tsv.js';
import { makeCall } from './clickhouse-fixtures.js';

test('callsTsv: one line per call, 25 fields in CALL_COLUMNS order, NULL as \\N, specials escaped', () => {
  const a = makeCall('acc', 1, { caller_id_name: 'tab\there\\ and\nnew', ringing_seconds: null, hangup_cause: null, caller_zone_id: -5 });
  const b = makeCall('acc', 2, { interaction_id: '63731095372-8d2b0b1e', resource_type: 'offnet-termination', hangup_code: 'sip:487' });
  const kazooNulls = '\t\\N'.repeat(11);
  assert.equal(
    callsTsv([a, b]),
    `acc\tcall-1\t1457078461\tinbound\ttab\\there\\\\ and\\nnew\t+64341201\t+614000001\t-5\t3\t1\t1\t\\N\t0\t\\N${kazooNulls}\n` +
      'acc\tcall-2\t1457078522\toutbound\tCaller 2\t+64341202\t+614000002\t\\N\t3\t2\t2\t4\t0\tNORMAL_CLEARING' +
      '\t63731095372-8d2b0b1e\t\\N\t\\N\toffnet-termination\t\\N\t\\N\t\\N\tsip:487\t\\N\t\\N\t\\N\n',
  );
  assert.equal(callIdsTsv([a, b]), 'acc\tcall-1\t1457078461\nacc\tcall-2\t1457078522\n');
  assert.equal(callsTsv([]), '');
  assert.equal(tsvString('a\rb\0c'), 'a\\rb\\0c');
});

test('callsTsv refuses values the columns cannot hold', () => {
  assert.throws(() => callsTsv([makeCall('a', 1, { duration_seconds: 1.5 })]), /duration_seconds must be an integer/);
  assert.throws(() => callsTsv([makeCall('a', 1, { billing_seconds: 2 ** 31 })]), /billing_seconds must be an integer/);
  assert.throws(() => callsTsv([makeCall('a', 1, { call_time: Number.NaN })]), /call_time must be an integer/);
  assert.throws(() => callsTsv([makeCall('a', 1, { call_direction: 'sideways' as 'inbound' })]), /call_direction/);
});
