import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBDataChunk,
  type DuckDBPreparedStatement,
  type DuckDBResult,
  type DuckDBValue,
} from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Call } from '../../core/call.js';
import type { Zone } from '../../core/zone.js';
import { CallstatsError } from '../../core/errors.js';
import type { ApiKeyRecord, CompiledSql, InsertResult, NumberZone, Store, WebhookTokenRecord } from '../store.js';
import { MIGRATIONS } from './schema.js';
import { appendCalls, dedupeBatch } from './append-calls.js';
import { Mutex } from '../mutex.js';

/** Options for the embedded store. */
export interface DuckDBStoreOptions {
  /** DuckDB's own memory limit; the process RSS budget includes it. */
  memoryLimit?: string;
  /** Memory for `compact()` (sorting and rebuilding the key index of the whole table). */
  compactMemoryLimit?: string;
  threads?: number;
}

/**
 * The embedded store: one DuckDB file. One process may open it for writing at a time (DuckDB's
 * rule); see docs/architecture.md for how the CLI reaches a running server instead.
 */
export class DuckDBStore implements Store {
  readonly dialect = 'duckdb' as const;
  private instance: DuckDBInstance | undefined;
  private writer: DuckDBConnection | undefined;
  /** Writes go through one connection, one transaction at a time. */
  private readonly writeLock = new Mutex();
  private readonly idle: DuckDBConnection[] = [];
  /**
   * Prepared statements per pooled connection, by SQL text (most recently used last). Planning is
   * a few ms of a small account's query; a dashboard asks the same shapes again and again.
   */
  private readonly prepared = new WeakMap<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();
  /** Bumped when the calls table is replaced (compact): prepared statements from before are dropped. */
  private generation = 0;
  private readonly preparedGeneration = new WeakMap<DuckDBConnection, number>();
  /**
   * API keys and webhook tokens, read once: this process is the file's only writer, so every
   * change passes through insertKey/revokeKey/insertWebhookToken and is applied here too.
   */
  private keys: Map<string, ApiKeyRecord> | undefined;
  private webhookTokens: Map<string, WebhookTokenRecord> | undefined;
  /** Counts key and token writes, so a load that raced with one is read again. */
  private credentialWrites = 0;

  constructor(
    readonly path: string,
    private readonly options: DuckDBStoreOptions = {},
  ) {}

  async init(): Promise<void> {
    if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
    try {
      this.instance = await DuckDBInstance.create(this.path, {
        memory_limit: this.options.memoryLimit ?? process.env.CALLSTATS_DUCKDB_MEMORY ?? '512MB',
        threads: String(this.options.threads ?? 2),
        preserve_insertion_order: 'false',
      });
    } catch (err) {
      const msg = (err as Error).message;
      if (/lock/i.test(msg)) {
        throw new CallstatsError('ERR_STORE_LOCKED', `the store ${this.path} is in use by another process`, 503, {
          store: msg,
        });
      }
      throw err;
    }
    this.writer = await this.instance.connect();
    await this.migrate();
  }

  private async migrate(): Promise<void> {
    const w = this.writer!;
    await w.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const rows = (await w.runAndReadAll('SELECT max(version) AS v FROM schema_version')).getRowObjectsJS();
    let current = Number(rows[0]?.v ?? 0);
    // A migration that rewrites calls in order (3) needs the order kept.
    if (current < MIGRATIONS.length) await w.run('SET preserve_insertion_order = true');
    while (current < MIGRATIONS.length) {
      await w.run('BEGIN TRANSACTION');
      try {
        for (const stmt of MIGRATIONS[current]) await w.run(stmt);
        await w.run('INSERT INTO schema_version VALUES ($1)', [current + 1]);
        await w.run('COMMIT');
      } catch (err) {
        await w.run('ROLLBACK');
        throw err;
      }
      current += 1;
    }
    await w.run('SET preserve_insertion_order = false');
  }

  async close(): Promise<void> {
    for (const c of this.idle.splice(0)) c.closeSync();
    this.writer?.closeSync();
    this.writer = undefined;
    this.instance?.closeSync();
    this.instance = undefined;
  }

  /** Runs `fn` inside one write transaction; rolls back on any error. */
  private async write<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.writeLock.run(async () => {
      const w = this.writer;
      if (!w) throw new CallstatsError('ERR_STORE_CLOSED', 'store is closed', 503);
      await w.run('BEGIN TRANSACTION');
      try {
        const result = await fn(w);
        await w.run('COMMIT');
        return result;
      } catch (err) {
        await w.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /** Big batches amortise the duplicate check's scan (see insertCalls). */
  readonly importBatchSize = 100_000;

  async insertCalls(calls: readonly Call[]): Promise<InsertResult> {
    if (calls.length === 0) return { inserted: 0, duplicates: 0 };
    const unique = dedupeBatch(calls);
    const inserted = await this.write(async (w) => {
      await w.run('CREATE TEMP TABLE IF NOT EXISTS staging_calls AS SELECT * FROM calls LIMIT 0');
      await w.run('DELETE FROM staging_calls');
      await appendCalls(w, 'staging_calls', unique);
      // :TRICKY: calls has no key index (migration 3): a re-sent call is found by this anti-join,
      // inside the batch's transaction and under the write lock, so no other insert can race it.
      // It costs one scan of account_id/call_id (~0.25 s at 10M calls, pruned to the batch's
      // accounts by zone maps once compacted) per batch instead of an index probe per call.
      const result = await w.run(`INSERT INTO calls SELECT s.* FROM staging_calls s
        WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.account_id = s.account_id AND c.call_id = s.call_id)`);
      const n = Number(result.rowsChanged);
      await w.run('DELETE FROM staging_calls');
      return n;
    });
    return { inserted, duplicates: calls.length - inserted };
  }

  async compact(): Promise<{ rows: number; seconds: number }> {
    const started = Date.now();
    return this.writeLock.run(async () => {
      const w = this.writer;
      if (!w) throw new CallstatsError('ERR_STORE_CLOSED', 'store is closed', 503);
      // The copy gets the calls table's own DDL (columns, NOT NULLs and key) under a new name.
      const ddl = String(
        (await w.runAndReadAll(`SELECT sql FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'calls'`)).getRowObjectsJS()[0]
          .sql,
      ).replace(/^CREATE TABLE calls\s*\(/i, 'CREATE TABLE calls_sorted(');
      // :TRICKY: the sort and the new key index need more memory than ingest does; the
      // rewrite spills to `<file>.tmp`, and order is only kept with preserve_insertion_order.
      await w.run(`SET preserve_insertion_order = true`);
      await w.run(`SET memory_limit = '${this.options.compactMemoryLimit ?? '4GB'}'`);
      try {
        await w.run('BEGIN TRANSACTION');
        try {
          await w.run('DROP TABLE IF EXISTS calls_sorted');
          await w.run(ddl);
          await w.run('INSERT INTO calls_sorted SELECT * FROM calls ORDER BY account_id, call_time, call_id');
          await w.run('DROP TABLE calls');
          await w.run('ALTER TABLE calls_sorted RENAME TO calls');
          await w.run(`UPDATE store_meta SET value = (SELECT count(*) FROM calls) WHERE key = 'sorted_rows'`);
          await w.run('COMMIT');
        } catch (err) {
          await w.run('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          this.generation++;
        }
        await w.run('CHECKPOINT');
      } finally {
        await w.run(`SET preserve_insertion_order = false`);
        await w.run(`SET memory_limit = '${this.options.memoryLimit ?? process.env.CALLSTATS_DUCKDB_MEMORY ?? '512MB'}'`);
      }
      const rows = await this.countCalls();
      return { rows, seconds: (Date.now() - started) / 1000 };
    });
  }

  async unsortedCalls(): Promise<number> {
    const [row] = await this.all({
      sql: `SELECT (SELECT count(*) FROM calls) - (SELECT value FROM store_meta WHERE key = 'sorted_rows') AS n`,
      params: [],
    });
    return Math.max(0, Number(row.n));
  }

  async countCalls(accountId?: string): Promise<number> {
    const rows = accountId
      ? await this.all({ sql: 'SELECT count(*) AS n FROM calls WHERE account_id = $1', params: [accountId] })
      : await this.all({ sql: 'SELECT count(*) AS n FROM calls', params: [] });
    return Number(rows[0].n);
  }

  async listZones(): Promise<Zone[]> {
    // :TRICKY: reading 300k rows value by value through the Node API takes seconds and hundreds
    // of MB; DuckDB joins the whole table into one string instead (one value crosses the boundary)
    // and we split it. Zone text never holds \u0001 or \u0002: rate-deck import refuses control characters.
    const intern = new Map<string, string>();
    const one = (v: string) => intern.get(v) ?? (intern.set(v, v), v);
    const zones: Zone[] = [];
    // In id ranges, so the joined string (and the memory it takes on both sides) stays small.
    const [{ lo, hi }] = await this.all({ sql: 'SELECT min(id) AS lo, max(id) AS hi FROM zones', params: [] });
    if (lo === null || lo === undefined) return [];
    const step = 32_768;
    for (let from = Number(lo); from <= Number(hi); from += step) {
      const [row] = await this.all({
        sql: `SELECT string_agg(concat_ws(chr(1), id, prefix, country, description,
            CASE WHEN source = 'custom' THEN 'c' ELSE 'd' END || CASE WHEN active THEN '1' ELSE '0' END), chr(2)) AS z
          FROM zones WHERE id >= $1 AND id < $2`,
        params: [from, from + step],
      });
      if (row.z === null || row.z === undefined) continue;
      for (const line of String(row.z).split('\u0002')) {
        const [id, prefix, country, description, flags] = line.split('\u0001');
        zones.push({
          id: Number(id),
          // Copy out of the big joined string so it can be freed (V8 keeps sliced parents alive).
          prefix: (' ' + prefix).slice(1),
          country: one(country),
          description: one(description),
          source: flags[0] === 'c' ? 'custom' : 'default',
          active: flags[1] === '1',
        });
      }
    }
    return zones.sort((a, b) => a.id - b.id);
  }

  async saveZones(zones: readonly Zone[]): Promise<void> {
    if (zones.length === 0) return;
    await this.write(async (w) => {
      await w.run('CREATE TEMP TABLE IF NOT EXISTS staging_zones AS SELECT * FROM zones LIMIT 0');
      await w.run('DELETE FROM staging_zones');
      const a = await w.createAppender('staging_zones', 'main', 'temp');
      for (const z of zones) {
        a.appendInteger(z.id);
        a.appendVarchar(z.prefix);
        a.appendVarchar(z.country);
        a.appendVarchar(z.description);
        a.appendVarchar(z.source);
        a.appendBoolean(z.active);
        a.endRow();
      }
      a.closeSync();
      await w.run(`INSERT INTO zones SELECT * FROM staging_zones
        ON CONFLICT (id) DO UPDATE SET description = excluded.description, source = excluded.source, active = excluded.active`);
      await w.run('DELETE FROM staging_zones');
    });
  }

  async distinctNumbers(column: 'caller_id_number' | 'callee_id_number'): Promise<string[]> {
    const rows = await this.all({
      sql: `SELECT DISTINCT ${column} AS n FROM calls WHERE ${column} IS NOT NULL`,
      params: [],
    });
    return rows.map((r) => String(r.n));
  }

  async applyZones(column: 'caller_id_number' | 'callee_id_number', map: readonly NumberZone[]): Promise<number> {
    const zoneColumn = column === 'caller_id_number' ? 'caller_zone_id' : 'callee_zone_id';
    return this.write(async (w) => {
      await w.run('CREATE TEMP TABLE IF NOT EXISTS staging_numbers (number VARCHAR, zone_id INTEGER)');
      await w.run('DELETE FROM staging_numbers');
      const a = await w.createAppender('staging_numbers', 'main', 'temp');
      for (const m of map) {
        a.appendVarchar(m.number);
        if (m.zone_id === null) a.appendNull();
        else a.appendInteger(m.zone_id);
        a.endRow();
      }
      a.closeSync();
      const result = await w.run(`UPDATE calls SET ${zoneColumn} = s.zone_id FROM staging_numbers s
        WHERE calls.${column} = s.number AND calls.${zoneColumn} IS DISTINCT FROM s.zone_id`);
      await w.run('DELETE FROM staging_numbers');
      return Number(result.rowsChanged);
    });
  }

  async insertKey(key: ApiKeyRecord): Promise<void> {
    await this.write((w) =>
      w.run('INSERT INTO api_keys VALUES ($1, $2, $3, $4, $5, $6)', [
        key.id,
        key.account,
        key.secret_hash,
        key.created_at,
        key.revoked,
        key.label,
      ]),
    );
    this.credentialWrites++;
    this.keys?.set(key.id, { ...key });
  }

  /**
   * All rows of a credentials table as a map by id, handed to `install` when no key or token was
   * written while they were read.
   * :TRICKY: a write that lands during the read (its cache update skipped, the map not being there
   * yet) would be lost, and a lost revocation is a hole: such a read is done again. The check and
   * `install` run in one synchronous step, so no write can slip between them.
   */
  private async loadCredentials<T extends { id: string }>(
    table: 'api_keys' | 'webhook_tokens',
    install: (m: Map<string, T>) => void,
  ): Promise<void> {
    for (;;) {
      const writes = this.credentialWrites;
      const rows = (await this.all({ sql: `SELECT * FROM ${table}`, params: [] })) as unknown as T[];
      if (writes === this.credentialWrites) return install(new Map(rows.map((r) => [r.id, r])));
    }
  }

  private async keyMap(): Promise<Map<string, ApiKeyRecord>> {
    if (!this.keys) await this.loadCredentials<ApiKeyRecord>('api_keys', (m) => (this.keys ??= m));
    return this.keys!;
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    const key = (await this.keyMap()).get(id);
    return key && { ...key };
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    return (await this.all({ sql: 'SELECT * FROM api_keys ORDER BY created_at, id', params: [] })) as unknown as ApiKeyRecord[];
  }

  async revokeKey(id: string): Promise<boolean> {
    const result = await this.write((w) => w.run('UPDATE api_keys SET revoked = true WHERE id = $1 AND NOT revoked', [id]));
    this.credentialWrites++;
    const key = this.keys?.get(id);
    if (key) key.revoked = true;
    return Number(result.rowsChanged) > 0;
  }

  async insertWebhookToken(token: WebhookTokenRecord): Promise<void> {
    await this.write((w) =>
      w.run('INSERT INTO webhook_tokens VALUES ($1, $2, $3, $4, $5)', [
        token.id,
        token.account,
        token.secret_hash,
        token.created_at,
        token.revoked,
      ]),
    );
    this.credentialWrites++;
    this.webhookTokens?.set(token.id, { ...token });
  }

  async getWebhookToken(id: string): Promise<WebhookTokenRecord | undefined> {
    if (!this.webhookTokens) await this.loadCredentials<WebhookTokenRecord>('webhook_tokens', (m) => (this.webhookTokens ??= m));
    const token = this.webhookTokens!.get(id);
    return token && { ...token };
  }

  async listWebhookTokens(): Promise<WebhookTokenRecord[]> {
    return (await this.all({
      sql: 'SELECT * FROM webhook_tokens ORDER BY created_at, id',
      params: [],
    })) as unknown as WebhookTokenRecord[];
  }

  private async connection(): Promise<DuckDBConnection> {
    if (!this.instance) throw new CallstatsError('ERR_STORE_CLOSED', 'store is closed', 503);
    return this.idle.pop() ?? (await this.instance.connect());
  }

  private release(c: DuckDBConnection): void {
    if (this.instance && this.idle.length < 8) this.idle.push(c);
    else c.closeSync();
  }

  async all(query: CompiledSql): Promise<Record<string, unknown>[]> {
    const c = await this.connection();
    try {
      const statement = await this.preparedOn(c, query.sql);
      try {
        statement.bind(query.params as DuckDBValue[]);
        const reader = await statement.runAndReadAll();
        return reader.getRowObjectsJS().map(plainRow);
      } catch (err) {
        this.forgetPrepared(c, query.sql);
        throw err;
      }
    } finally {
      this.release(c);
    }
  }

  /** The connection's prepared statement for `sql`, prepared now if it has none (LRU of 64). */
  private async preparedOn(c: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
    let cache = this.prepared.get(c);
    if (!cache || this.preparedGeneration.get(c) !== this.generation) {
      for (const p of cache?.values() ?? []) p.destroySync();
      cache = new Map();
      this.prepared.set(c, cache);
      this.preparedGeneration.set(c, this.generation);
    }
    const hit = cache.get(sql);
    if (hit) {
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const statement = await c.prepare(sql);
    cache.set(sql, statement);
    if (cache.size > 64) {
      const [oldest, p] = cache.entries().next().value!;
      cache.delete(oldest);
      p.destroySync();
    }
    return statement;
  }

  private forgetPrepared(c: DuckDBConnection, sql: string): void {
    const cache = this.prepared.get(c);
    const p = cache?.get(sql);
    if (!p) return;
    cache!.delete(sql);
    p.destroySync();
  }

  async *streamText(query: CompiledSql, signal?: AbortSignal): AsyncIterable<string> {
    yield* this.streamed(query, signal, async function* (result) {
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        yield joinedText(chunk);
      }
    });
  }

  async *stream(query: CompiledSql, signal?: AbortSignal): AsyncIterable<Record<string, unknown>> {
    for await (const rows of this.streamed(query, signal, (result) => result.yieldRowObjectJs())) {
      for (const row of rows) yield plainRow(row);
    }
  }

  /** What `read` makes of a read query's result, a chunk at a time; aborting `signal` stops the query. */
  private async *streamed<T>(
    query: CompiledSql,
    signal: AbortSignal | undefined,
    read: (result: DuckDBResult) => AsyncIterable<T>,
  ): AsyncGenerator<T> {
    const c = await this.connection();
    // :TRICKY: interrupt() cancels the running query inside DuckDB; a connection that was
    // interrupted is closed rather than pooled so no half-read result leaks into the next user.
    const onAbort = () => c.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    let clean = false;
    try {
      const result = await c.stream(query.sql, query.params as DuckDBValue[]);
      for await (const item of read(result)) {
        if (signal?.aborted) return;
        yield item;
      }
      clean = !signal?.aborted;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (clean) this.release(c);
      else c.closeSync();
    }
  }
}

/** The text of a VARCHAR vector's rows joined, NULLs as nothing. */
function joinedText(chunk: DuckDBDataChunk): string {
  const v = chunk.getColumnVector(0);
  const n = chunk.rowCount;
  let s = '';
  for (let i = 0; i < n; i++) s += (v.getItem(i) as string | null) ?? '';
  return s;
}

/** BIGINT and HUGEINT come back as bigint; callers get plain numbers (exact below 2^53). */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const k in row) {
    const v = row[k];
    if (typeof v === 'bigint') row[k] = Number(v);
  }
  return row;
}
