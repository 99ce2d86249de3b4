import { clickhouseDialectFor } from './clickhouse.js';
import type { Dialect } from './dialect.js';
import { duckdbDialect } from './duckdb.js';

/** The dialect of a store; ClickHouse's depends on the server's version (`Store.engineVersion`). */
export function getDialect(name: 'duckdb' | 'clickhouse', engineVersion?: string): Dialect {
  return name === 'duckdb' ? duckdbDialect : clickhouseDialectFor(engineVersion);
}
