// The SQL suites on ClickHouse 26.x in-process (chdb:): every compiled filter and every hostile value
// of test/sql/compile-filter.test.ts and test/sql/sql-injection.test.ts, run on the current engine
// (their ClickHouse fixture reads CALLSTATS_TEST_CLICKHOUSE).
process.env.CALLSTATS_TEST_CLICKHOUSE = 'chdb';
await import('../sql/compile-filter.test.js');
await import('../sql/sql-injection.test.js');
