import type { Connection } from './connection.js';
import { ensureAccountSchema } from './keys.js';
import { clickhouseString } from './literal.js';
import { addColumnsSql, MIGRATIONS, SCHEMA_VERSION_DDL, type Layout } from './ddl.js';

/**
 * Brings every server of the store to the current schema. Fills in `layout.replicated` for a cluster
 * (its shards have replicas: system.clusters lists more than one). `connect` opens a connection to a
 * server in a database (closed here after use).
 */
export async function initSchema(
  hosts: readonly Connection[],
  layout: Layout,
  connect: (url: string, database: string) => Connection,
): Promise<void> {
  // Through `default`: the store's database may not exist yet.
  const admin = connect(hosts[0].url, 'default');
  try {
    if (layout.cluster) {
      const [{ n }] = await admin.rows<{ n: number }>(
        `SELECT max(replica_num) AS n FROM system.clusters WHERE cluster = ${clickhouseString(layout.cluster)}`,
      );
      layout.replicated = Number(n) > 1;
    }
    if (layout.replicated) {
      const schema = hosts.map((h) => connect(h.url, layout.database));
      try {
        await migrateCluster(admin, schema, { ...layout, cluster: layout.cluster! });
      } finally {
        await Promise.all(schema.map((c) => c.close()));
      }
      return;
    }
  } finally {
    await admin.close();
  }
  for (const host of hosts) {
    const hostAdmin = connect(host.url, 'default');
    try {
      await migrate(hostAdmin, host, layout);
    } finally {
      await hostAdmin.close();
    }
  }
}

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
    if (migration.addColumns) {
      for (const table of migration.addColumns.tables(layout)) {
        const present = await conn.rows<{ name: string }>(
          `SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '${table}'`,
        );
        const have = new Set(present.map((r) => r.name));
        const sql = addColumnsSql(
          table,
          migration.addColumns.columns.filter((c) => !have.has(c.name)),
        );
        if (sql) await conn.command(sql);
      }
    }
    await conn.command(`INSERT INTO schema_version (version, applied_at) VALUES (${migration.version}, ${Math.floor(Date.now() / 1000)})`);
  }
  await ensureAccountSchema(conn);
}

/** `CREATE TABLE [IF NOT EXISTS] name` of a statement, with the name. */
const CREATE_TABLE = /^(\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?)([A-Za-z_][A-Za-z0-9_]*)/i;
/** The tables that exist once per cluster (replicated shards and the Distributed tables over them). */
const CLUSTER_TABLES = new Set(['calls', 'calls_local', 'call_ids', 'call_ids_local']);

/**
 * Brings a replicated cluster (ZooKeeper present) to the current schema version. The call tables are
 * created once, `ON CLUSTER`, through `hosts[0]`: the distributed DDL queue creates them on every
 * server. Everything else goes to each server, as without replicas: the small tables each server
 * holds alone (zones, keys), a later migration's ALTERs (an ALTER of a replicated table is itself
 * replicated; IF [NOT] EXISTS makes the repeat harmless), and each server's schema_version row.
 * :TRICKY: the queue runs a statement in each server's *default* database, so only statements that
 * name no other table go through it; their own name is qualified here. ON CLUSTER waits for every
 * server (distributed_ddl_task_timeout): the whole cluster must be up for `init`, as it must be for the
 * per-server path.
 */
export async function migrateCluster(admin: Connection, hosts: readonly Connection[], layout: Layout & { cluster: string }): Promise<void> {
  await admin.command(`CREATE DATABASE IF NOT EXISTS ${layout.database} ON CLUSTER ${layout.cluster}`);
  for (const host of hosts) await host.command(SCHEMA_VERSION_DDL);
  const versions = await Promise.all(
    hosts.map(async (h) => Number((await h.rows<{ v: number }>('SELECT max(version) AS v FROM schema_version'))[0].v)),
  );
  for (const migration of MIGRATIONS) {
    if (migration.version <= Math.min(...versions)) continue;
    for (const statement of migration.statements(layout)) {
      const m = CREATE_TABLE.exec(statement);
      if (m && CLUSTER_TABLES.has(m[2])) {
        await hosts[0].command(statement.replace(CREATE_TABLE, `$1${layout.database}.$2 ON CLUSTER ${layout.cluster}`));
      } else for (const host of hosts) await host.command(statement);
    }
    const stamp = `INSERT INTO schema_version (version, applied_at) VALUES (${migration.version}, ${Math.floor(Date.now() / 1000)})`;
    for (const [i, host] of hosts.entries()) if (versions[i] < migration.version) await host.command(stamp);
  }
  // The account tables are each server's own, as on the per-server path.
  for (const host of hosts) await ensureAccountSchema(host);
}
