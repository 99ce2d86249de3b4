import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importConfig } from '../../src/cli/import.js';
import { loadConfig } from '../../src/core/config.js';

test("import opens DuckDB with 256MB when CALLSTATS_DUCKDB_MEMORY is unset (its batches stream; serve's cache size buys it nothing)", () => {
  const c = importConfig(loadConfig({ CALLSTATS_STORE: 'duckdb:/tmp/x.duckdb' }));
  assert.equal(c.duckdbMemory, '256MB');
  assert.equal(c.store, 'duckdb:/tmp/x.duckdb');
});

test('import keeps an operator-set CALLSTATS_DUCKDB_MEMORY', () => {
  assert.equal(importConfig(loadConfig({ CALLSTATS_DUCKDB_MEMORY: '1GB' })).duckdbMemory, '1GB');
});
