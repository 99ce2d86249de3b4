import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickhouseDialectFor, clickhouseFeatures } from '../../src/sql/clickhouse.js';
import { exceptionInFrame } from '../../src/store/clickhouse/external.js';

// The version gates of the ClickHouse dialect (docs/clickhouse.md, "Version gates"). Both forms are
// run on real engines by test/store/clickhouse-query.test.ts (18.16 server: the old forms; chdb: 26.x:
// the gated ones) and the differential suite; here the choice and the exact SQL are pinned.

test('features follow the server version: none on 18.16 or unknown, quantilesExactInclusive from 20.12, GROUPING SETS from 22.6', () => {
  assert.deepEqual(clickhouseFeatures('18.16.1'), { groupingSets: false, exactInclusive: false });
  assert.deepEqual(clickhouseFeatures(undefined), { groupingSets: false, exactInclusive: false });
  assert.deepEqual(clickhouseFeatures('20.12.3.3'), { groupingSets: false, exactInclusive: true });
  assert.deepEqual(clickhouseFeatures('22.5.1'), { groupingSets: false, exactInclusive: true });
  assert.deepEqual(clickhouseFeatures('22.6.1'), { groupingSets: true, exactInclusive: true });
  assert.deepEqual(clickhouseFeatures('26.7.2.1'), { groupingSets: true, exactInclusive: true });
});

const grouped = { grouped: true, answered: false, billing: false, percentiles: false, calls: false };

test('18.16 aggregation: per-bucket and per-group GROUP BYs in a UNION ALL, medians from sorted arrays', () => {
  const median = (a: string) =>
    `(toFloat64(${a}[toUInt64(floor(((length(${a}) - 1) * 0.5))) + 1]) + (toFloat64(${a}[toUInt64(ceil(((length(${a}) - 1) * 0.5))) + 1]) - toFloat64(${a}[toUInt64(floor(((length(${a}) - 1) * 0.5))) + 1])) * (((length(${a}) - 1) * 0.5) - floor(((length(${a}) - 1) * 0.5))))`;
  const aggregates = 'count() AS total, min(d) AS d_min, max(d) AS d_max, sum(d) AS d_sum, arraySort(groupArray(d)) AS ds';
  assert.equal(
    clickhouseDialectFor('18.16.1').aggregateStats('SRC', grouped),
    `SELECT bucket, g AS grp, is_total, total, d_min, d_max, d_sum, ${median('ds')} AS d_median FROM (` +
      `SELECT bucket, CAST(NULL AS Nullable(String)) AS g, toUInt8(1) AS is_total, ${aggregates} FROM (SRC) GROUP BY bucket UNION ALL ` +
      `SELECT bucket, grp AS g, toUInt8(0) AS is_total, ${aggregates} FROM (SRC) GROUP BY bucket, grp) ORDER BY bucket, is_total DESC, grp`,
  );
});

test('26.x aggregation: one GROUP BY GROUPING SETS, exact inclusive quantiles in the engine', () => {
  assert.equal(
    clickhouseDialectFor('26.7.2.1').aggregateStats('SRC', { ...grouped, percentiles: true }),
    'SELECT bucket, g AS grp, is_total, total, d_min, d_max, d_sum, toFloat64(dq[1]) AS d_median, toFloat64(dq[2]) AS d_p90, ' +
      'toFloat64(dq[3]) AS d_p95, toFloat64(dq[4]) AS d_p99 FROM (SELECT bucket, grp AS g, toUInt8(grp IS NULL) AS is_total, ' +
      'count() AS total, min(d) AS d_min, max(d) AS d_max, sum(d) AS d_sum, quantilesExactInclusive(0.5, 0.9, 0.95, 0.99)(d) AS dq ' +
      'FROM (SRC) GROUP BY GROUPING SETS ((bucket), (bucket, grp))) ORDER BY bucket, is_total DESC, grp',
  );
});

test('the 25.11+ mid-stream exception frame is read as the server exception; a body without the tag is rows', () => {
  const tag = 'k3c8x1vq';
  const message = "Code: 395. DB::Exception: Value passed to 'throwIf' function is non-zero. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)";
  // The layout @clickhouse/client-common (utils/stream.js) documents: TAG, newline, message, newline, length.
  const body = `{"n":1}\n{"n":2}\r\n__exception__\r\n${tag}\n${message}\n${message.length + 1} ${tag}\r\n__exception__\r\n`;
  assert.equal(exceptionInFrame(body, tag), message);
  assert.equal(exceptionInFrame('{"n":1}\n{"n":"__exception__"}\n', tag), undefined);
});
