import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DUCKDB_MEMORY } from '../../core/config.js';
import { CallstatsError, storeUnavailable } from '../../core/errors.js';
import { Mutex } from '../mutex.js';
import { CommitGate } from './commit-gate.js';
import { faultError } from './faults.js';
import { closeQuietly, ReadPool } from './pool.js';
import { ACCOUNT_SCHEMA } from './credentials.js';
import { MIGRATIONS } from './schema.js';
import { CallTimeRange } from './call-time-range.js';

/** Options for the embedded store. */
export interface DuckDBStoreOptions {
  /** DuckDB's own memory limit; the process RSS budget includes it. */
  memoryLimit?: string;
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
 * The lifecycle of one DuckDB file: the instance, its writer connection and read pool, migrations,
 * and the reopen after a fatal error. Reads and writes (reads.ts, writes.ts) go through it.
 */
export class Database {
  instance: DuckDBInstance | undefined;
  private writer: DuckDBConnection | undefined;
  /** Writes go through one connection, one transaction at a time. */
  readonly writeLock = new Mutex();
  /** One maintenance step at a time, and never beside a write that updates stored calls (maintenance.ts). */
  readonly maintenanceLock = new Mutex();
  /** Reads start only outside a maintenance step's COMMIT (commit-gate.ts). */
  readonly commitGate = new CommitGate();
  readonly pool = new ReadPool();
  /** Counts instances opened; a connection of an older one is closed on release, never pooled. */
  epoch = 0;
  /** Set while the instance is being reopened after a fatal error; callers wait for it. */
  reopening: Promise<void> | undefined;
  /** Set by close(): no reopen after that. */
  closed = false;
  /**
   * Bumped after every write and maintenance step (maintenance.ts) and when the instance is
   * reopened: prepared statements from before are dropped (prepared.ts says why).
   */
  generation = 0;
  /** A range holding every stored call's call_time (call-time-range.ts): widened before each batch. */
  readonly callTimes = new CallTimeRange();
  /** How long the last reopen after a fatal error took (ms), for operators and tests. */
  lastReopenMs: number | undefined;

  constructor(
    readonly path: string,
    readonly options: DuckDBStoreOptions = {},
  ) {}

  get timeoutMs(): number {
    return this.options.queryTimeoutMs ?? 30_000;
  }

  /** DuckDB's memory limit outside compaction. */
  get memoryLimit(): string {
    return this.options.memoryLimit ?? DUCKDB_MEMORY;
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
        memory_limit: this.memoryLimit,
        threads: String(this.options.threads ?? 2),
        preserve_insertion_order: 'false',
      });
    } catch (err) {
      const msg = (err as Error).message;
      if (/lock/i.test(msg)) {
        throw new CallstatsError('ERR_STORE_LOCKED', `the store ${this.path} is in use by another process`, {
          store: msg,
        });
      }
      throw faultError(err, this.memoryLimit);
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
   * `whileClosed` runs between the close and the open (prune.ts swaps in a rewritten file there).
   */
  reopenLocked(whileClosed?: () => Promise<void>): Promise<void> {
    this.reopening ??= (async () => {
      const started = Date.now();
      this.generation++;
      const oldInstance = this.instance;
      this.instance = undefined;
      await this.pool.drain(REOPEN_DRAIN_MS);
      if (this.writer) closeQuietly(this.writer);
      this.writer = undefined;
      if (oldInstance) closeQuietly(oldInstance);
      if (this.closed) return;
      await whileClosed?.();
      await this.open();
      this.lastReopenMs = Date.now() - started;
    })().finally(() => {
      this.reopening = undefined;
    });
    return this.reopening;
  }

  /** A reader's way to a healthy instance after a fatal error seen on a connection of `epoch`. */
  async recover(epoch: number): Promise<void> {
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
    for (const stmt of ACCOUNT_SCHEMA) await w.run(stmt);
    await w.run('SET preserve_insertion_order = false');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reopening?.catch(() => undefined);
    this.pool.closeIdle();
    if (this.writer) closeQuietly(this.writer);
    this.writer = undefined;
    // :TRICKY: closing checkpoints the WAL into the file; on a full disk that fails, but every
    // acknowledged write is in the WAL already and is replayed at the next open, so a shutdown
    // does not fail for it.
    if (this.instance) closeQuietly(this.instance);
    this.instance = undefined;
  }

  /** The writer connection, reopening the instance first if an earlier fatal error left none. */
  async writerLocked(): Promise<DuckDBConnection> {
    if (!this.writer && !this.closed) await this.reopenLocked().catch((err) => Promise.reject(faultError(err, this.memoryLimit)));
    if (!this.writer) throw new CallstatsError('ERR_STORE_CLOSED', 'store is closed');
    return this.writer;
  }

  /** A pooled read connection of the current instance (waiting out a reopen first). */
  async connection(): Promise<DuckDBConnection> {
    if (this.reopening) await this.reopening.catch(() => undefined);
    if (!this.instance && !this.closed) await this.recover(this.epoch);
    if (!this.instance) {
      if (this.closed) throw new CallstatsError('ERR_STORE_CLOSED', 'store is closed');
      throw storeUnavailable('the embedded database could not be reopened after a fatal error');
    }
    return this.pool.acquire(this.instance, this.epoch);
  }

  /** Back to the pool when `reusable` and of the current instance; closed otherwise. */
  release(c: DuckDBConnection, reusable = true): void {
    this.pool.release(c, reusable, this.instance ? this.epoch : undefined);
  }
}
