// `callstats migrate` DuckDB → ClickHouse → DuckDB on ClickHouse 26.x in-process (chdb:DIR): the
// suite of clickhouse-migrate.test.ts, run here on the current engine.
process.env.CALLSTATS_TEST_CLICKHOUSE = 'chdb';
await import('./clickhouse-migrate.test.js');
