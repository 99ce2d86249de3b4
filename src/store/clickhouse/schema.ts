import type { Connection } from './connection.js';
import { MIGRATIONS, SCHEMA_VERSION_DDL, type Layout } from './ddl.js';

/**
 * Brings one server to the current schema version. Run on every server of a cluster without
 * ZooKeeper: 18.16 cannot run `ON CLUSTER` DDL without it ("DDL background thread is not
 * initialized"), so the store does what the distributed DDL queue would do, server by server.
 */
export async function migrate(admin: Connection, conn: Connection, layout: Layout): Promise<void> {
  await admin.command(`CREATE DATABASE IF NOT EXISTS ${layout.database}`);
  await conn.command(SCHEMA_VERSION_DDL);
  const [{ v }] = await conn.rows<{ v: number }>('SELECT max(version) AS v FROM schema_version');
  for (const migration of MIGRATIONS) {
    if (migration.version <= v) continue;
    for (const statement of migration.statements(layout)) await conn.command(statement);
    await conn.command(`INSERT INTO schema_version (version, applied_at) VALUES (${migration.version}, ${Math.floor(Date.now() / 1000)})`);
  }
}

/** `CREATE TABLE|VIEW [IF NOT EXISTS] name` or `CREATE DATABASE …`: statements the DDL queue can run. */
const CREATE = /^(\s*CREATE\s+(?:TABLE|VIEW|DATABASE)\s+(?:IF\s+NOT\s+EXISTS\s+)?[A-Za-z_][A-Za-z0-9_.]*)/i;

/**
 * Brings a replicated cluster (ZooKeeper present) to the current schema version: every CREATE is sent
 * once, `ON CLUSTER`, through `first`, and the distributed DDL queue runs it on every server; other
 * statements (ALTERs of a later migration) and the schema_version rows go to each server, as without a
 * cluster (an ALTER of a replicated table is itself replicated; IF [NOT] EXISTS makes a repeat harmless).
 * :TRICKY: ON CLUSTER waits for every server (distributed_ddl_task_timeout): the whole cluster must be
 * up for `init`, as it must be for the per-server path.
 */
export async function migrateCluster(admin: Connection, hosts: readonly Connection[], layout: Layout & { cluster: string }): Promise<void> {
  const onCluster = (sql: string) => sql.replace(CREATE, `$1 ON CLUSTER ${layout.cluster}`);
  await admin.command(onCluster(`CREATE DATABASE IF NOT EXISTS ${layout.database}`));
  await hosts[0].command(onCluster(SCHEMA_VERSION_DDL));
  const versions = await Promise.all(hosts.map((h) => h.rows<{ v: number }>('SELECT max(version) AS v FROM schema_version')));
  const v = Math.min(...versions.map(([row]) => Number(row.v)));
  for (const migration of MIGRATIONS) {
    if (migration.version <= v) continue;
    for (const statement of migration.statements(layout)) {
      if (CREATE.test(statement)) await hosts[0].command(onCluster(statement));
      else for (const host of hosts) await host.command(statement);
    }
    const stamp = `INSERT INTO schema_version (version, applied_at) VALUES (${migration.version}, ${Math.floor(Date.now() / 1000)})`;
    for (const [i, host] of hosts.entries()) if (Number(versions[i][0].v) < migration.version) await host.command(stamp);
  }
}
