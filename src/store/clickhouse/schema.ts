import type { Connection } from './connection.js';
import { addColumnsSql, MIGRATIONS, SCHEMA_VERSION_DDL, type Layout } from './ddl.js';

/**
 * Brings one server to the current schema version. Run on every server of a cluster: 18.16 cannot run
 * `ON CLUSTER` DDL without ZooKeeper ("DDL background thread is not initialized"), so the store does
 * what the distributed DDL queue would do, server by server.
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
}
