export { ClickHouseStore } from './clickhouse-store.js';
export { parseClickHouseUrl, type ClickHouseLocation } from './url.js';
export { bindParams, sqlLiteral, quoteString } from './sql-literal.js';
