import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { compileWhere, requiredZoneJoins } from '../../src/sql/compile-filter.js';
import { duckdbDialect } from '../../src/sql/duckdb.js';
import { zoneJoinSql } from '../../src/sql/field-sql.js';
import type { FilterNode } from '../../src/query/ast.js';

// Five calls chosen to exercise NULLs, zones with and without a description, quotes and case.
const CALLS = `
INSERT INTO calls VALUES
 ('acc', 'c1', 1457078400, 'inbound',  'Alice',          '+6434123456',  '+61212345678', 5023,   350554, 60,  55,  5,    false, 'NORMAL_CLEARING'),
 ('acc', 'c2', 1457082000, 'outbound', 'bob%',           '100',          '+6491234567',  NULL,   5024,   0,   0,   NULL, true,  NULL),
 ('acc', 'c3', 1457085600, 'inbound',  NULL,             NULL,           NULL,           NULL,   NULL,   30,  30,  10,   false, 'USER_BUSY'),
 ('acc', 'c4', 1457089200, 'outbound', 'O''Brien \\ x',  '+442071234567', '+6434000000', 9001,   5023,   120, 100, 20,   false, 'NORMAL_CLEARING'),
 ('acc', 'c5', 1457092800, 'inbound',  'ÉLODIE',         '+61400000000', '200',          350554, NULL,   15,  0,   15,   true,  'NO_ANSWER')`;

const ZONES = `
INSERT INTO zones VALUES
 (5023, '643412', 'New Zealand', 'Balclutha', 'default', true),
 (5024, '643413', 'New Zealand', 'Clinton', 'default', true),
 (350554, '614', 'Australia', 'Mobile', 'default', true),
 (9001, '44', 'United Kingdom', '', 'custom', true)`;

/** A fresh in-memory DuckDB holding the calls/zones tables and the five fixture calls. */
export async function fixtureDb(): Promise<DuckDBConnection> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`CREATE TABLE calls (account_id VARCHAR, call_id VARCHAR, call_time BIGINT, call_direction VARCHAR,
    caller_id_name VARCHAR, caller_id_number VARCHAR, callee_id_number VARCHAR, caller_zone_id INTEGER, callee_zone_id INTEGER,
    duration_seconds INTEGER, billing_seconds INTEGER, ringing_seconds INTEGER, unanswered BOOLEAN, hangup_cause VARCHAR)`);
  await conn.run('CREATE TABLE zones (id INTEGER, prefix VARCHAR, country VARCHAR, description VARCHAR, source VARCHAR, active BOOLEAN)');
  await conn.run(CALLS);
  await conn.run(ZONES);
  return conn;
}

/** Runs a compiled filter against the fixture and returns the matching call ids in order. */
export async function matchingCallIds(conn: DuckDBConnection, filter: FilterNode): Promise<string[]> {
  const { sql, params } = compileWhere(filter, duckdbDialect);
  const joins = zoneJoinSql(requiredZoneJoins(filter), duckdbDialect);
  const query = `SELECT c.call_id FROM calls c ${joins} WHERE ${sql} ORDER BY c.call_id`;
  const reader = await conn.runAndReadAll(query, params as DuckDBValue[]);
  return reader.getRowObjectsJS().map((r) => String(r.call_id));
}
