import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { compileWhere, requiredZoneJoins } from '../../src/sql/compile-filter.js';
import { clickhouseDialect } from '../../src/sql/clickhouse.js';
import type { FilterNode } from '../../src/query/ast.js';
import { createRequire } from 'node:module';
import { chdbDir, onChdb, type ChdbDir } from '../helpers/chdb.js';
import { startClickHouse, type ClickHouseServer } from '../helpers/clickhouse-server.js';
import { CALLS_COLUMNS_DDL } from '../../src/store/clickhouse/ddl.js';
import { FIXTURE_CALLS, FIXTURE_ZONES } from './fixture-rows.js';

/** A throw-away ClickHouse server holding the calls/zones tables and the five fixture calls. */
export interface ClickHouseFixture {
  client: ClickHouseClient;
  /** Row count of a table, to prove a hostile value dropped nothing. */
  count(table: 'calls' | 'zones'): Promise<number>;
  stop(): Promise<void>;
}

let shared: { dir: ChdbDir; users: number } | undefined;
let fixtures = 0;

/**
 * Starts a server (or, with CALLSTATS_TEST_CLICKHOUSE=chdb, opens the in-process 26.x engine),
 * creates the fixture tables with the store's column types and loads the rows.
 */
export async function clickhouseFixture(): Promise<ClickHouseFixture> {
  const settings = { join_use_nulls: 1, max_query_size: '67108864', output_format_json_quote_64bit_integers: 0 } as const;
  let client: ClickHouseClient;
  let close: () => Promise<void>;
  const database = `fixture${fixtures++}`;
  if (onChdb()) {
    // One engine per process holds one directory: every fixture of this process shares it, each in its
    // own database.
    shared ??= { dir: chdbDir(), users: 0 };
    shared.users++;
    const { createChdbConnection } = createRequire(import.meta.url)('chdb/connection') as {
      createChdbConnection(o: { path: string }): NonNullable<Parameters<typeof createClient>[0]>['connection'];
    };
    const admin = createClient({ connection: createChdbConnection({ path: shared.dir.dir }) });
    await admin.command({ query: `CREATE DATABASE ${database}` });
    await admin.close();
    // chdb: takes no `database` option; every statement below names the fixture's tables unqualified,
    // so the connection's session switches to it once.
    client = createClient({ connection: createChdbConnection({ path: shared.dir.dir }), clickhouse_settings: settings });
    await client.command({ query: `USE ${database}` });
    close = async () => {
      await client.close();
      if (--shared!.users === 0) shared!.dir.cleanup();
    };
  } else {
    const server: ClickHouseServer = await startClickHouse();
    const admin = createClient({ url: server.url, log: { level: ClickHouseLogLevel.OFF } });
    await admin.command({ query: `CREATE DATABASE ${database}` });
    await admin.close();
    // The settings the store sends (src/store/clickhouse/connection.ts) that change what a filter matches
    // or how long its text may be: SQL outer joins, and a literal list of a whole country.
    client = createClient({ url: server.url, database, log: { level: ClickHouseLogLevel.OFF }, clickhouse_settings: settings });
    close = async () => {
      await client.close();
      await server.stop();
    };
  }
  // Column types of the store's calls table (src/store/clickhouse/ddl.ts) and of its zones view.
  await client.command({
    query: `CREATE TABLE calls (${CALLS_COLUMNS_DDL})
      ENGINE = MergeTree ORDER BY (account_id, call_time, call_id)`,
  });
  await client.command({
    query:
      'CREATE TABLE zones (id Int32, prefix String, country String, description String, source String, active UInt8) ENGINE = MergeTree ORDER BY id',
  });
  const bit = (b: boolean) => (b ? 1 : 0);
  await client.insert({
    table: 'calls',
    format: 'JSONEachRow',
    values: FIXTURE_CALLS.map((c) => ({ ...c, unanswered: bit(c.unanswered) })),
  });
  await client.insert({ table: 'zones', format: 'JSONEachRow', values: FIXTURE_ZONES.map((z) => ({ ...z, active: bit(z.active) })) });
  return {
    client,
    async count(table) {
      const rows = await (await client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' })).json<{ n: number }>();
      return rows[0].n;
    },
    stop: close,
  };
}

/** Runs a compiled filter against the ClickHouse fixture and returns the matching call ids in order. */
export async function matchingCallIdsClickHouse(fixture: ClickHouseFixture, filter: FilterNode): Promise<string[]> {
  const { sql, params } = compileWhere(filter, clickhouseDialect);
  if (params.length > 0) throw new Error('ClickHouse SQL carries its values as literals, never as parameters');
  const from = clickhouseDialect.callsFrom(requiredZoneJoins(filter), undefined);
  const result = await fixture.client.query({
    query: `SELECT c.call_id AS call_id FROM ${from} WHERE ${sql} ORDER BY c.call_id`,
    format: 'JSONEachRow',
  });
  return (await result.json<{ call_id: string }>()).map((r) => r.call_id);
}
