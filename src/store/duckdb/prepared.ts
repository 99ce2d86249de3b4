import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';

/** Prepared statements kept per connection (least recently used dropped). */
const MAX_PREPARED = 64;

/**
 * Prepared statements per pooled connection, by SQL text (most recently used last). Planning is a
 * few ms of a small account's query; clients ask the same shapes again and again.
 */
export class PreparedStatements {
  private readonly byConnection = new WeakMap<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();
  private readonly generations = new WeakMap<DuckDBConnection, number>();

  /**
   * The connection's prepared statement for `sql`, prepared now if it has none or if it was planned
   * before `generation` (Database.generation, read by the caller before this call).
   * :TRICKY: DuckDB folds the table statistics it sees at planning time into the plan: after a
   * reopen, `min(call_time)`/`max(call_time)`/`count(*)` over a whole table become constants, and
   * a literal predicate the statistics say cannot match (`call_time >= <after the newest call>`)
   * becomes an empty result. Re-executing such a prepared statement never re-plans when rows are
   * appended (only catalog changes trigger a rebind), so it kept answering from before the write:
   * the table-range query of statistics.ts capped `hi` below a new call, which then stayed
   * invisible on that pooled connection until the next restart. A statement is therefore reused
   * only while no write has happened since it was planned: the generation is read before
   * preparing, and every write bumps it after its transaction ends, before it is acknowledged.
   */
  async on(c: DuckDBConnection, sql: string, generation: number): Promise<DuckDBPreparedStatement> {
    let cache = this.byConnection.get(c);
    if (!cache || this.generations.get(c) !== generation) {
      for (const p of cache?.values() ?? []) p.destroySync();
      cache = new Map();
      this.byConnection.set(c, cache);
      this.generations.set(c, generation);
    }
    const hit = cache.get(sql);
    if (hit) {
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const statement = await c.prepare(sql);
    cache.set(sql, statement);
    if (cache.size > MAX_PREPARED) {
      const [oldest, p] = cache.entries().next().value!;
      cache.delete(oldest);
      p.destroySync();
    }
    return statement;
  }

  /** Drops the statement for `sql` (it failed: it may be stale or broken). */
  forget(c: DuckDBConnection, sql: string): void {
    const cache = this.byConnection.get(c);
    const p = cache?.get(sql);
    if (!p) return;
    cache!.delete(sql);
    p.destroySync();
  }
}
