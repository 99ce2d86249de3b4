import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { compileWhere, requiredZoneJoins } from '../../src/sql/compile-filter.js';
import { duckdbDialect } from '../../src/sql/duckdb.js';
import { zoneJoinSql } from '../../src/sql/field-sql.js';
import type { FilterNode } from '../../src/query/ast.js';
import { CALL_COLUMN_DEFS } from '../../src/core/call.js';
import { duckdbColumnType } from '../../src/store/duckdb/schema.js';
import { FIXTURE_CALLS, FIXTURE_ZONES } from './fixture-rows.js';

/** A fresh in-memory DuckDB holding the calls/zones tables and the five fixture calls. */
export async function fixtureDb(): Promise<DuckDBConnection> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`CREATE TABLE calls (${CALL_COLUMN_DEFS.map((c) => `${c.name} ${duckdbColumnType(c)}`).join(', ')})`);
  await conn.run('CREATE TABLE zones (id INTEGER, prefix VARCHAR, country VARCHAR, description VARCHAR, source VARCHAR, active BOOLEAN)');
  // In the table's column order (the registry's), whatever order the literal spells.
  for (const row of FIXTURE_CALLS) await insert(conn, 'calls', Object.fromEntries(CALL_COLUMN_DEFS.map((c) => [c.name, row[c.name]])));
  for (const row of FIXTURE_ZONES) await insert(conn, 'zones', row);
  return conn;
}

async function insert(conn: DuckDBConnection, table: string, row: object): Promise<void> {
  const values = Object.values(row) as DuckDBValue[];
  await conn.run(`INSERT INTO ${table} VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
}

/** Runs a compiled filter against the fixture and returns the matching call ids in order. */
export async function matchingCallIds(conn: DuckDBConnection, filter: FilterNode): Promise<string[]> {
  const { sql, params } = compileWhere(filter, duckdbDialect);
  const joins = zoneJoinSql(requiredZoneJoins(filter), duckdbDialect);
  const query = `SELECT c.call_id FROM calls c ${joins} WHERE ${sql} ORDER BY c.call_id`;
  const reader = await conn.runAndReadAll(query, params as DuckDBValue[]);
  return reader.getRowObjectsJS().map((r) => String(r.call_id));
}
