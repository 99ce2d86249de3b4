import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { loadConfig } from '../../src/core/config.js';

test('config.ts reads every setting with its default when the environment is empty', () => {
  const c = loadConfig({});
  assert.deepEqual(
    {
      rateLimit: c.rateLimit,
      headersTimeoutMs: c.headersTimeoutMs,
      requestTimeoutMs: c.requestTimeoutMs,
      keepAliveTimeoutMs: c.keepAliveTimeoutMs,
      duckdbMemory: c.duckdbMemory,
      importWorkers: c.importWorkers,
      logLevel: c.logLevel,
      metricsToken: c.metricsToken,
    },
    {
      rateLimit: 200,
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 300_000,
      keepAliveTimeoutMs: 72_000,
      duckdbMemory: undefined,
      importWorkers: Math.min(2, availableParallelism()),
      logLevel: 'info',
      metricsToken: undefined,
    },
  );
});

test('the settings once read beside config.ts keep their names, values and error messages', () => {
  const c = loadConfig({
    CALLSTATS_RATE_LIMIT: '0',
    CALLSTATS_HEADERS_TIMEOUT: '50',
    CALLSTATS_REQUEST_TIMEOUT: '30',
    CALLSTATS_KEEPALIVE_TIMEOUT: '5',
    CALLSTATS_DUCKDB_MEMORY: '1GB',
    CALLSTATS_IMPORT_WORKERS: '0',
    CALLSTATS_LOG_LEVEL: 'debug',
  });
  assert.deepEqual(
    [c.rateLimit, c.headersTimeoutMs, c.requestTimeoutMs, c.keepAliveTimeoutMs, c.duckdbMemory, c.importWorkers, c.logLevel],
    [0, 30_000, 30_000, 5_000, '1GB', 0, 'debug'],
  );
  assert.throws(() => loadConfig({ CALLSTATS_RATE_LIMIT: 'fast' }), {
    message: "CALLSTATS_RATE_LIMIT must be a number of requests per second, not 'fast'",
  });
  assert.throws(() => loadConfig({ CALLSTATS_REQUEST_TIMEOUT: '-1' }), {
    message: "CALLSTATS_REQUEST_TIMEOUT must be a positive number of seconds, not '-1'",
  });
});

test('CALLSTATS_STATS_ROWS_MAX: unset leaves statistics its default, a whole number sets it, 0 turns raw rows off', () => {
  assert.equal(loadConfig({}).statsRowsMax, undefined);
  assert.equal(loadConfig({ CALLSTATS_STATS_ROWS_MAX: '1200' }).statsRowsMax, 1200);
  assert.equal(loadConfig({ CALLSTATS_STATS_ROWS_MAX: '0' }).statsRowsMax, 0);
  assert.throws(() => loadConfig({ CALLSTATS_STATS_ROWS_MAX: 'many' }), {
    message: "CALLSTATS_STATS_ROWS_MAX must be a whole number, not 'many'",
  });
});

test('CALLSTATS_IMPORT_TIMEOUT: 600 s unless set, apart from CALLSTATS_QUERY_TIMEOUT; not a positive number is refused', () => {
  assert.equal(loadConfig({}).importTimeoutMs, 600_000);
  assert.equal(loadConfig({ CALLSTATS_QUERY_TIMEOUT: '5' }).importTimeoutMs, 600_000);
  assert.equal(loadConfig({ CALLSTATS_IMPORT_TIMEOUT: '90' }).importTimeoutMs, 90_000);
  assert.throws(() => loadConfig({ CALLSTATS_IMPORT_TIMEOUT: '0' }), /CALLSTATS_IMPORT_TIMEOUT must be a positive number of seconds/);
});
