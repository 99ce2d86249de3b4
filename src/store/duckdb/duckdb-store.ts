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
import { CallstatsError, storeUnavailable } from '../../core/errors.js';
import type { ApiKeyRecord, CompiledSql, InsertResult, NumberZone, Store, WebhookTokenRecord } from '../store.js';
import { MIGRATIONS } from './schema.js';
import { appendCalls, dedupeBatch } from './append-calls.js';
import { Mutex } from '../mutex.js';
import { Deadline } from './deadline.js';
import { classifyFault, faultError } from './faults.js';

/** Options for the embedded store. */
export interface DuckDBStoreOptions {
  /** DuckDB's own memory limit; the process RSS budget includes it. */
  memoryLimit?: string;
  /** Memory for `compact()` (sorting and rebuilding the key index of the whole table). */
  compactMemoryLimit?: string;
  threads?: number;
  /**
   * `CALLSTATS_QUERY_TIMEOUT` in ms (default 30 s): the longest a query, an insert or a key lookup
   * may take; past it DuckDB is interrupted and the caller gets `storeTimeout` (503). Maintenance
   * (compact, zone import, re-zoning) is not bounded: an operator runs it and it is long by nature.
   */
  queryTimeoutMs?: number;
}

/** Longest a reopen waits for busy read connections to notice the fatal error and come back. */
const REOPEN_DRAIN_MS = 2000;

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
  /** Read connections handed out and not yet released, so a reopen can interrupt and wait for them. */
  private readonly busy = new Set<DuckDBConnection>();
  /** Counts instances opened; a connection of an older one is closed on release, never pooled. */
  private epoch = 0;
  private readonly connectionEpoch = new WeakMap<DuckDBConnection, number>();
  /** Set while the instance is being reopened after a fatal error; callers wait for it. */
  private reopening: Promise<void> | undefined;
  /** Set by close(): no reopen after that. */
  private closed = false;
  /**
   * Prepared statements per pooled connection, by SQL text (most recently used last). Planning is
   * a few ms of a small account's query; a dashboard asks the same shapes again and again.
   */
  private readonly prepared = new WeakMap<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();
  /**
   * Bumped after every write and when the calls table is replaced (compact): prepared statements
   * from before are dropped (see preparedOn for why a write must invalidate them).
   */
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

  private get timeoutMs(): number {
    return this.options.queryTimeoutMs ?? 30_000;
  }

  async init(): Promise<void> {
    if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
    await this.open();
    await this.migrate();
  }

  /** Opens the instance and the writer connection. */
  private async open(): Promise<void> {
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
      throw faultError(err);
    }
    this.epoch++;
    this.writer = await this.instance.connect();
  }

  /**
   * Closes the invalidated instance and opens the file again; the caller holds the write lock.
   * :TRICKY: after a fatal error (the disk filled during a WAL write or a checkpoint) DuckDB
   * refuses every query on that instance, reads included, until it is reopened; a reopen replays
   * the WAL, so every acknowledged write is back and the failed one is not. Busy read connections
   * are interrupted and given REOPEN_DRAIN_MS to come back before the old instance is closed:
   * closing its file while one is still alive elsewhere would drop the new instance's file lock.
   */
  private reopenLocked(): Promise<void> {
    this.reopening ??= (async () => {
      const started = Date.now();
      this.generation++;
      const oldInstance = this.instance;
      this.instance = undefined;
      for (const c of this.idle.splice(0)) closeQuietly(c);
      for (const c of this.busy) c.interrupt();
      while (this.busy.size > 0 && Date.now() - started < REOPEN_DRAIN_MS) await new Promise((r) => setTimeout(r, 10));
      // A stream paused by a slow client is still busy: it is cut (its next chunk fails).
      for (const c of this.busy) closeQuietly(c);
      this.busy.clear();
      if (this.writer) closeQuietly(this.writer);
      this.writer = undefined;
      if (oldInstance) closeQuietly(oldInstance);
      if (this.closed) return;
      await this.open();
      this.lastReopenMs = Date.now() - started;
    })().finally(() => {
      this.reopening = undefined;
    });
    return this.reopening;
  }

  /** How long the last reopen after a fatal error took (ms), for operators and tests. */
  lastReopenMs: number | undefined;

  /** A reader's way to a healthy instance after a fatal error seen on a connection of `epoch`. */
  private async recover(epoch: number): Promise<void> {
    if (this.reopening) return this.reopening.catch(() => undefined);
    await this.writeLock.run(async () => {
      if (this.epoch === epoch && !this.closed) await this.reopenLocked().catch(() => undefined);
    });
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
    this.closed = true;
    await this.reopening?.catch(() => undefined);
    for (const c of this.idle.splice(0)) closeQuietly(c);
    if (this.writer) closeQuietly(this.writer);
    this.writer = undefined;
    // :TRICKY: closing checkpoints the WAL into the file; on a full disk that fails, but every
    // acknowledged write is in the WAL already and is replayed at the next open, so a shutdown
    // does not fail for it.
    if (this.instance) closeQuietly(this.instance);
    this.instance = undefined;
  }

  /** The writer connection, reopening the instance first if an earlier fatal error left none. */
  private async writerLocked(): Promise<DuckDBConnection> {
    if (!this.writer && !this.closed) await this.reopenLocked().catch((err) => Promise.reject(faultError(err)));
    if (!this.writer) throw new CallstatsError('ERR_STORE_CLOSED', 'store is closed', 503);
    return this.writer;
  }

  /**
   * Runs `fn` inside one write transaction under the write lock; rolls back on any error. With
   * `timed`, the whole call (waiting for the lock included) is bounded by the query timeout: a
   * statement running at the deadline is interrupted, and a transaction past it is never committed.
   * A fatal error (disk full) reopens the instance before the lock is let go, so the next write
   * finds a working store, and reads are never refused for long.
   */
  private async write<T>(fn: (c: DuckDBConnection) => Promise<T>, timed = true): Promise<T> {
    const deadline = timed ? new Deadline(this.timeoutMs) : undefined;
    const work = this.writeLock.run(async () => {
      if (deadline?.expired) throw deadline.error();
      const w = await this.writerLocked();
      const stop = deadline?.onExpire(() => w.interrupt());
      let result: T;
      let committing = false;
      try {
        await w.run('BEGIN TRANSACTION');
        result = await fn(w);
        if (deadline?.expired) throw deadline.error();
        // A COMMIT is never interrupted: past the deadline the caller has its 503 already, and
        // the batch is either wholly stored (a re-send counts it as duplicates) or not at all.
        stop?.();
        committing = true;
        await w.run('COMMIT');
        return result;
      } catch (err) {
        const { kind } = classifyFault(err);
        if (kind === 'durable' && committing) {
          await this.reopenLocked().catch(() => undefined);
          return result!;
        }
        await w.run('ROLLBACK').catch(() => undefined);
        if (kind === 'invalidated' || kind === 'durable') await this.reopenLocked().catch(() => undefined);
        if (kind === 'interrupted' && deadline?.expired) throw deadline.error();
        throw faultError(err);
      } finally {
        stop?.();
        // Statistics DuckDB planned with are out of date now, committed or not.
        this.generation++;
      }
    });
    if (!deadline) return work;
    try {
      return await deadline.race(work);
    } finally {
      deadline.done();
    }
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
    await this.writeLock.run(async () => {
      const w = await this.writerLocked();
      try {
        await this.rewriteSorted(w);
      } catch (err) {
        const { kind } = classifyFault(err);
        if (kind === 'invalidated' || kind === 'durable') await this.reopenLocked().catch(() => undefined);
        throw faultError(err);
      } finally {
        this.generation++;
      }
    });
    const rows = await this.countCalls();
    return { rows, seconds: (Date.now() - started) / 1000 };
  }

  /** compact(): the calls rewritten in (account, time) order, then a checkpoint. */
  private async rewriteSorted(w: DuckDBConnection): Promise<void> {
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
      }
      await checkpointSoon(w);
    } finally {
      // On an invalidated instance these fail too; the reopen starts from the instance's options.
      await w.run(`SET preserve_insertion_order = false`).catch(() => undefined);
      await w
        .run(`SET memory_limit = '${this.options.memoryLimit ?? process.env.CALLSTATS_DUCKDB_MEMORY ?? '512MB'}'`)
        .catch(() => undefined);
    }
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
    }, false);
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
    }, false);
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

  /** A pooled read connection of the current instance (waiting out a reopen first). */
  private async connection(): Promise<DuckDBConnection> {
    if (this.reopening) await this.reopening.catch(() => undefined);
    if (!this.instance && !this.closed) await this.recover(this.epoch);
    if (!this.instance) {
      if (this.closed) throw new CallstatsError('ERR_STORE_CLOSED', 'store is closed', 503);
      throw storeUnavailable('the embedded database could not be reopened after a fatal error');
    }
    let c = this.idle.pop();
    if (!c) {
      c = await this.instance.connect();
      this.connectionEpoch.set(c, this.epoch);
    }
    this.busy.add(c);
    return c;
  }

  /** Back to the pool when `reusable` and of the current instance; closed otherwise. */
  private release(c: DuckDBConnection, reusable = true): void {
    this.busy.delete(c);
    if (reusable && this.instance && this.connectionEpoch.get(c) === this.epoch && this.idle.length < 8) this.idle.push(c);
    else closeQuietly(c);
  }

  /**
   * Runs `attempt` on a read connection within the query timeout. A statement running at the
   * deadline is interrupted and its connection closed; a fatal error reopens the instance and the
   * read is tried once more on it (nothing was handed out yet), so reads answer through a disk
   * that filled under a write.
   */
  private async read<T>(attempt: (c: DuckDBConnection) => Promise<T>, keep = false): Promise<T> {
    const deadline = new Deadline(this.timeoutMs);
    try {
      for (let tries = 0; ; tries++) {
        const pending = this.connection();
        let c: DuckDBConnection;
        try {
          c = await deadline.race(pending);
        } catch (err) {
          // A connection that arrives after the deadline goes straight back.
          pending.then(
            (late) => this.release(late),
            () => undefined,
          );
          throw err;
        }
        const epoch = this.connectionEpoch.get(c)!;
        const stop = deadline.onExpire(() => c.interrupt());
        let reusable = false;
        const work = attempt(c).then(
          (v) => ((reusable = true), v),
          (err) => Promise.reject(err),
        );
        // The connection goes back only once DuckDB is done with it, even after a timeout; with
        // `keep`, a successful attempt keeps it (the caller releases it).
        work
          .finally(() => {
            if (!(keep && reusable && !deadline.expired)) this.release(c, reusable && !deadline.expired);
          })
          .catch(() => undefined);
        try {
          return await deadline.race(work);
        } catch (err) {
          if (deadline.expired) throw deadline.error();
          const { kind } = classifyFault(err);
          if ((kind === 'invalidated' || kind === 'durable') && tries === 0) {
            await deadline.race(this.recover(epoch));
            continue;
          }
          throw faultError(err);
        } finally {
          stop();
        }
      }
    } finally {
      deadline.done();
    }
  }

  async all(query: CompiledSql): Promise<Record<string, unknown>[]> {
    return this.read(async (c) => {
      const statement = await this.preparedOn(c, query.sql);
      try {
        statement.bind(query.params as DuckDBValue[]);
        const reader = await statement.runAndReadAll();
        return reader.getRowObjectsJS().map(plainRow);
      } catch (err) {
        this.forgetPrepared(c, query.sql);
        throw err;
      }
    });
  }

  /**
   * The connection's prepared statement for `sql`, prepared now if it has none (LRU of 64).
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
  private async preparedOn(c: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
    const generation = this.generation;
    let cache = this.prepared.get(c);
    if (!cache || this.preparedGeneration.get(c) !== generation) {
      for (const p of cache?.values() ?? []) p.destroySync();
      cache = new Map();
      this.prepared.set(c, cache);
      this.preparedGeneration.set(c, generation);
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

  /**
   * What `read` makes of a read query's result, a chunk at a time; aborting `signal` stops the
   * query. The query timeout bounds the start and each chunk's wait for DuckDB, not the whole
   * export: a long CSV that keeps flowing is not a store that stopped answering.
   */
  private async *streamed<T>(
    query: CompiledSql,
    signal: AbortSignal | undefined,
    read: (result: DuckDBResult) => AsyncIterable<T>,
  ): AsyncGenerator<T> {
    // Starting the query goes through read(): timed, and retried once after a reopen.
    let c: DuckDBConnection | undefined;
    const result = await this.read(async (conn) => {
      const onStartAbort = () => conn.interrupt();
      signal?.addEventListener('abort', onStartAbort, { once: true });
      try {
        const r = await conn.stream(query.sql, query.params as DuckDBValue[]);
        c = conn;
        return r;
      } finally {
        signal?.removeEventListener('abort', onStartAbort);
      }
    }, true);
    const conn = c!;
    if (signal?.aborted) return this.release(conn, false);
    // :TRICKY: interrupt() cancels the running query inside DuckDB; a connection that was
    // interrupted is closed rather than pooled so no half-read result leaks into the next user.
    const onAbort = () => conn.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    let clean = false;
    try {
      const items = read(result)[Symbol.asyncIterator]();
      for (;;) {
        const deadline = new Deadline(this.timeoutMs);
        deadline.onExpire(() => conn.interrupt());
        let next: IteratorResult<T>;
        try {
          next = await deadline.race(items.next());
        } catch (err) {
          if (deadline.expired) throw deadline.error();
          throw faultError(err);
        } finally {
          deadline.done();
        }
        if (next.done) break;
        if (signal?.aborted) return;
        yield next.value;
      }
      clean = !signal?.aborted;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.release(conn, clean);
    }
  }
}

/**
 * CHECKPOINT after compaction, tried again while DuckDB says other transactions are active.
 * :TRICKY: readers of a busy server can keep DuckDB refusing ("there are other write transactions
 * active"); the compaction itself is committed by then (the WAL holds it), so after a few tries it
 * is left to the next automatic checkpoint instead of failing a job that already succeeded.
 * FORCE CHECKPOINT is not used: it aborts the dashboards' queries.
 */
async function checkpointSoon(w: DuckDBConnection): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      return void (await w.run('CHECKPOINT'));
    } catch (err) {
      if (!/other write transactions active/i.test((err as Error).message)) throw err;
      if (tries >= 50) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Closes a connection or instance that may already be closed or invalidated. */
function closeQuietly(x: { closeSync(): void }): void {
  try {
    x.closeSync();
  } catch {
    // closed twice, or refused by an invalidated database: either way it is gone for us
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
