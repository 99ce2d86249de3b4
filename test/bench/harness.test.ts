import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs } from '../../bench/lib/args.js';
import { canonicalFromApi, diffCanonical } from '../../bench/lib/canonical.js';
import { parseResultLine } from '../../bench/lib/legs.js';
import { freshQuestions } from '../../bench/lib/targets.js';

test('bench flags: sizes accept 1M / 100k / 1_000_000, are sorted and deduplicated; unknown stores are refused', () => {
  const o = parseBenchArgs(['--sizes', '1M,100k,1_000_000', '--stores', 'postgres,duckdb', '--quick']);
  assert.deepEqual(o.sizes, [100_000, 1_000_000]);
  assert.deepEqual(o.stores, ['duckdb', 'postgres']);
  assert.equal(o.concurrencySeconds, 3);
  assert.equal(parseBenchArgs([]).concurrencySeconds, 30);
  assert.throws(() => parseBenchArgs(['--stores', 'mysql']), /unknown store 'mysql'/);
  assert.throws(() => parseBenchArgs(['--sizes', '0']), /not a positive whole number/);
  // Issue 16: the 30M DuckDB leg and the three stand-alone legs are on in a full run, off with --quick / none.
  assert.deepEqual(parseBenchArgs([]).duckdbSizes, [30_000_000]);
  assert.deepEqual(parseBenchArgs([]).legs, ['export', 'fresh', 'http-ingest']);
  assert.deepEqual(parseBenchArgs(['--quick']).duckdbSizes, []);
  assert.deepEqual(parseBenchArgs(['--duckdb-sizes', '30M,9k', '--legs', 'none']), {
    ...parseBenchArgs(['--legs', 'none']),
    duckdbSizes: [9_000, 30_000_000],
  });
  assert.throws(() => parseBenchArgs(['--legs', 'export,amqp']), /unknown leg 'amqp'/);
});

test('bench legs: the RESULT line is the last stdout line, as JSON; anything else is a reason, not a figure', () => {
  assert.deepEqual(parseResultLine('progress\nRESULT {"cdrsPerSecond":51234.5,"stored":3000}\n'), {
    result: { cdrsPerSecond: 51234.5, stored: 3000 },
  });
  assert.deepEqual(parseResultLine('RESULT {"a":1}\nsomething after\n'), { reason: 'the script printed no RESULT line' });
  assert.deepEqual(parseResultLine(''), { reason: 'the script printed no RESULT line' });
  assert.deepEqual(parseResultLine('RESULT [1,2]'), { reason: 'its RESULT line is not a JSON object' });
  assert.match(parseResultLine('RESULT {oops').reason!, /^its RESULT line is not JSON/);
});

test('bench fresh-data figures: each question with fresh and afterRestart is found, at the top or one level down', () => {
  const r = {
    questions: { 'month-hourly-largest': { before: 9, fresh: 12, afterStep: 10, afterRestart: 8 } },
    ratios: { 'month-hourly-largest': 1.5 },
    'like-name': { fresh: 3, afterRestart: 3 },
    worstIngestMs: 420,
  };
  assert.deepEqual(freshQuestions(r), [
    { id: 'month-hourly-largest', fresh: 12, afterRestart: 8 },
    { id: 'like-name', fresh: 3, afterRestart: 3 },
  ]);
});

test('bench answer check: a Kazoo answer becomes canonical rows, and one differing median is reported', () => {
  const d = { min: 5, max: 79, median: 6.5, mean: 19 };
  const got = canonicalFromApi({
    '23:00:00 05/04/2025': {
      total: 6,
      duration_seconds: d,
      groups: { '1': { total: 2, duration_seconds: d }, '0': { total: 4, duration_seconds: d } },
    },
  });
  assert.deepEqual(
    got.map((r) => [r.bucketLocalStart, r.group, r.total]),
    [
      ['2025-04-05 23:00:00', null, 6],
      ['2025-04-05 23:00:00', '0', 4],
      ['2025-04-05 23:00:00', '1', 2],
    ],
  );
  assert.deepEqual(diffCanonical(got, got), []);
  const other = got.map((r, i) => (i === 2 ? { ...r, median: 7 } : r));
  assert.match(diffCanonical(got, other).join('\n'), /^row 2: postgres .*"median":6\.5/);
});

test(
  'the benchmark harness runs end to end at a tiny size on all three stores and writes a complete table',
  { timeout: 180_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callstats-bench-test-'));
    const out = join(dir, 'RESULTS.md');
    try {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'bench/run.ts',
          '--quick',
          '--sizes',
          '3000',
          '--stores',
          'duckdb,clickhouse,postgres',
          '--duration',
          '1',
          '--out',
          out,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const [code] = await once(child, 'close');
      assert.equal(code, 0, `harness failed:\n${stderr.slice(-4000)}`);

      const md = readFileSync(out, 'utf8');
      assert.equal(stdout, md, 'the table printed is the table written');
      assert.match(md, /\*\*Answer check passed\*\*.*duckdb 8 questions.*clickhouse 8 questions/);
      assert.match(md, /## Machine\n\n- \d+ CPUs: .+; [\d.]+ GiB memory/);
      assert.match(md, /PostgreSQL 15\.\d+.*DuckDB v?\d.*ClickHouse (server )?\d/);

      const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Figure'));
      const figures = [
        'Ingest, CDRs/s',
        'Ingest peak RSS',
        '1 month hourly by unanswered, largest account',
        '1 month hourly by unanswered, median account',
        '1 month hourly by unanswered, smallest account',
        '1 year daily by call_direction',
        'callee_zone_id in 500 zones',
        "caller_id_name like '%SON%'",
        'or(unanswered',
        'whole store (exact median)',
        'CSV export, rows/s',
        'CSV export peak RSS',
        'clients, requests/s',
        '… p50 / p99 ms',
        '… errors + non-2xx',
      ];
      for (const f of figures) {
        const row = rows.find((r) => r.includes(f));
        assert.ok(row, `no row for '${f}'`);
        assert.doesNotMatch(row, /NaN|undefined|Infinity/, row);
        // Figure, DuckDB, vs PG, ClickHouse, vs PG, PostgreSQL, targets: every value cell is filled.
        const cells = row
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim());
        assert.equal(cells.length, 7, row);
        for (const i of [1, 3, 5]) assert.match(cells[i], /^\d[\d,.]*( \/ \d[\d,.]*)?$/, `${f}: cell ${i} '${cells[i]}'`);
        if (!f.includes('errors')) for (const i of [2, 4]) assert.match(cells[i], /^×\d/, `${f}: ratio ${i} '${cells[i]}'`);
      }
      assert.match(
        rows.find((r) => r.includes('errors + non-2xx'))!,
        /\| 0 \| – \| 0 \| – \| 0 \|/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
