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
import { freshQuestions, numbersAt } from '../../bench/lib/targets.js';

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
  assert.deepEqual(parseBenchArgs(['--sizes', '1M,3M']).duckdbSizes, [], 'no 10M file to copy: no 30M leg unless asked');
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

test('bench fresh-data figures: each question with fresh and afterRestart is found under its leg, and each leg’s worst ingest request', () => {
  // The shape bench/fresh-data.ts prints: one leg over HTTP, one over import, each with its questions.
  const leg = (worst: number, fresh: number) => ({
    stored: 1000,
    worstIngestMs: worst,
    ingestCdrsPerSecond: 5000,
    questions: { 'month-hourly-largest': { before: 9, fresh, afterStep: 10, afterRestart: 8, freshOverRestart: fresh / 8 } },
  });
  const r = { runs: 15, fraction: 0.1, http: leg(420, 12), import: leg(1300, 9) };
  assert.deepEqual(freshQuestions(r), [
    { id: 'http / month-hourly-largest', fresh: 12, afterRestart: 8 },
    { id: 'import / month-hourly-largest', fresh: 9, afterRestart: 8 },
  ]);
  assert.deepEqual(numbersAt(r, 'worstIngestMs'), [
    { where: 'http', value: 420 },
    { where: 'import', value: 1300 },
  ]);
  assert.deepEqual(numbersAt({ worstIngestMs: 7 }, 'worstIngestMs'), [{ where: 'result', value: 7 }]);
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
  'the benchmark harness runs end to end at a tiny size on all three stores, a 3× DuckDB column and the fresh-data leg, and writes a complete table',
  // About three minutes on a quiet machine (three stores, the 3× column, the fresh-data leg); 8+ at load 25.
  { timeout: 900_000 },
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
          '--duckdb-sizes',
          '9000',
          '--legs',
          'fresh',
          '--duration',
          '2',
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

      const [main, rest] = md.split('## 9,000 calls (DuckDB only)');
      assert.ok(rest, 'the 3× DuckDB column has its own section');
      const rows = main.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Figure'));
      const month = (role: string) => `1 month hourly by unanswered, ${role} account`;
      const figures = [
        'Ingest, CDRs/s',
        'Ingest peak RSS',
        ...['largest', 'median', 'smallest'].flatMap((r) => [`${month(r)} (`, `${month(r)} (`]),
        '1 year daily by call_direction, largest account, uncached',
        '1 year daily by call_direction, largest account, cached',
        'callee_zone_id in 500 zones, largest account, uncached',
        "caller_id_name like '%SON%', largest account, cached",
        'or(unanswered',
        'whole store (exact median)',
        'CSV export, rows/s',
        'CSV export peak RSS',
        'clients, dashboard mix, uncached: requests/s',
        '… uncached: p50 / p99 ms',
        'clients, dashboard mix, cached (after one untimed pass over the mix): requests/s',
        '… cached: p50 / p99 ms',
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
        // A heavily loaded machine may answer no request in the clients' short run: 0 has no ratio.
        for (const i of [2, 4])
          assert.match(cells[i], /^0(\.0+)?( \/ 0(\.0+)?)?$/.test(cells[i - 1]) ? /^–$/ : /^×\d/, `${f}: ratio ${i} '${cells[i]}'`);
      }
      assert.equal(rows.filter((r) => r.includes(', uncached, p50 / p95 ms')).length, 7, 'seven per-account questions, uncached');
      assert.equal(rows.filter((r) => r.includes(', cached (asked again, no header), p50 / p95 ms')).length, 7, 'and cached');
      for (const mode of ['uncached', 'cached'])
        assert.match(
          rows.find((r) => r.includes(`… ${mode}: errors + non-2xx`))!,
          /\| 0 \| – \| 0 \| – \| 0 \|/,
        );
      // The server's idle RSS: callstats stores only (PostgreSQL's server is not `serve`).
      assert.match(
        rows.find((r) => r.includes('`serve` RSS at idle'))!,
        /\| \d+ \| – \| \d+ \| – \| – \|/,
      );
      assert.match(
        rows.find((r) => r.includes('answer-cache hit share'))!,
        /\| (not exposed|\d+ %) \| – \| (not exposed|\d+ %) \| – \| – \|/,
      );

      // The 3× column: DuckDB only, its import is the file three times over, in the scaling table too.
      assert.match(rest, /\| Ingest, CDRs\/s \| [\d,.]+ \| – \|/);
      assert.match(md, /\| Figure \| Store \| 3,000 \| 9,000 \(3×\) \| growth \| calls grew \| target \|/);
      assert.match(md, /\| store-hourly-direction p50 ms \| duckdb \| [\d.]+ \| [\d.]+ \| ×[\d.]+ \| ×3\.0 \| pass \(≤ linear\) \|/);

      // The fresh-data leg ran for real on the 3,000-call DuckDB store: its RESULT line is read, or it
      // is named as not measured while bench/fresh-data.ts prints none.
      const legs = md.slice(md.indexOf('## Stand-alone legs'), md.indexOf('## Issue 16 targets'));
      assert.match(
        legs,
        /### fresh\n\n`node --import tsx bench\/fresh-data\.ts \S+bench\.duckdb \S+cdrs-seed20250101-3000\.ndjson \S+\.meta\.json 0\.1`/,
      );
      if (readFileSync('bench/fresh-data.ts', 'utf8').includes('RESULT ')) {
        assert.match(legs, /worstIngestMs/);
        assert.match(md, /\| fresh data \(10 % more calls, no restart\) ≤ 1\.5× after a restart \| worst .+?: [\d.]+ ms fresh/);
      } else assert.match(legs, /not measured: the script printed no RESULT line/);

      const targets = md
        .slice(md.indexOf('## Issue 16 targets'))
        .split('\n')
        .filter((l) => l.startsWith('| ') && !l.startsWith('| target'));
      assert.equal(targets.length, 12, targets.join('\n'));
      assert.match(targets[targets.length - 1], /30M calls, DuckDB: whole-store hourly exact median ≤ 1\.5 s \| [\d.]+ ms at 9,000 calls/);
      assert.match(md, /\| export of 2M rows: .* \| not measured: the leg was not run \(--legs\) \|/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
