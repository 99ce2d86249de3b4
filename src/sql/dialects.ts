import { clickhouseDialect } from './clickhouse.js';
import type { Dialect } from './dialect.js';
import { duckdbDialect } from './duckdb.js';

/** The dialect of a store. */
export function getDialect(name: 'duckdb' | 'clickhouse'): Dialect {
  return name === 'duckdb' ? duckdbDialect : clickhouseDialect;
}
