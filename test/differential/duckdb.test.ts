/**
 * DuckDB against the in-memory reference (STYLE habit 5): ≥ 1,000 random queries per run on a
 * random call set; the seed is printed so any failure can be replayed (CALLSTATS_TEST_SEED).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allAliases } from '../../src/query/operators.js';
import { allFields } from '../../src/query/fields.js';
import { freshStore } from '../helpers/store.js';
import { runDifferential } from '../reference/differential-suite.js';
import { testSeed } from '../reference/random.js';

const QUERIES = Number(process.env.CALLSTATS_DIFF_QUERIES ?? 1000);

// Each way of aggregating (statistics.ts) over the same kind of random cases: the engine's SQL for
// every answer (limit 0), TypeScript from raw rows for every answer (a limit never reached), and a
// 40-call limit that some answers exceed (fewer queries: the first two cover every field and alias).
const PATHS: [string, number, number][] = [
  ['engine aggregation', 0, QUERIES],
  ['raw rows aggregated in TypeScript', Number.MAX_SAFE_INTEGER - 1, QUERIES],
  ['either, by a 40-call limit', 40, Math.ceil(QUERIES / 4)],
];

for (const [path, statsRowsMax, queries] of PATHS)
  test(`DuckDB statistics and records equal the reference on ${queries} random queries (${path})`, { timeout: 180_000 }, async () => {
    const seed = testSeed('differential duckdb');
    const t = await freshStore();
    try {
      const report = await runDifferential(t.store, t.zones, { seed, queries: queries, statsRowsMax });
      assert.equal(
        report.failures.length,
        0,
        `${report.failures.length} mismatches, seed ${seed}; first:\n${report.failures.slice(0, 3).join('\n')}`,
      );
      // A run that never selected anything, or never touched an alias or field, would prove little.
      assert.ok(report.nonEmpty >= queries / 4, `only ${report.nonEmpty} of ${queries} answers were non-empty`);
      if (queries >= 500) {
        assert.deepEqual(
          allAliases()
            .map(([a]) => a)
            .filter((a) => !report.used.aliases.has(a)),
          [],
        );
        assert.deepEqual(
          allFields()
            .map((f) => f.name)
            .filter((f) => !report.used.fields.has(f)),
          [],
        );
      }
    } finally {
      await t.cleanup();
    }
  });
