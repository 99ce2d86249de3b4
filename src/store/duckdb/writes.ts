import type { DuckDBConnection } from '@duckdb/node-api';
import { rm } from 'node:fs/promises';
import { CALL_COLUMNS, type Call } from '../../core/call.js';
import type { InsertResult } from '../store.js';
import { readCsvSql } from './call-csv.js';
import { stageCalls, stagingDir, type CsvBatch } from './csv-batch-file.js';
import type { Database } from './database.js';
import { Deadline } from './deadline.js';
import { classifyFault, faultError } from './faults.js';

/** Writes of the embedded store: one transaction at a time on the writer connection (maintenance in maintenance.ts). */
export class Writes {
  constructor(private readonly db: Database) {}

  /**
   * Runs `fn` inside one write transaction under the write lock; rolls back on any error. With
   * `timed`, the whole call (waiting for the lock included) is bounded by the query timeout: a
   * statement running at the deadline is interrupted, and a transaction past it is never committed.
   * A fatal error (disk full) reopens the instance before the lock is let go, so the next write
   * finds a working store, and reads are never refused for long.
   */
  async transaction<T>(fn: (c: DuckDBConnection) => Promise<T>, timed = true): Promise<T> {
    const db = this.db;
    const deadline = timed ? new Deadline(db.timeoutMs) : undefined;
    const work = db.writeLock.run(async () => {
      if (deadline?.expired) throw deadline.error();
      const w = await db.writerLocked();
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
          await db.reopenLocked().catch(() => undefined);
          return result!;
        }
        await w.run('ROLLBACK').catch(() => undefined);
        if (kind === 'invalidated' || kind === 'durable') await db.reopenLocked().catch(() => undefined);
        if (kind === 'interrupted' && deadline?.expired) throw deadline.error();
        throw faultError(err, db.memoryLimit);
      } finally {
        stop?.();
        // Statistics DuckDB planned with are out of date now, committed or not.
        db.generation++;
      }
    });
    if (!deadline) return work;
    try {
      return await deadline.race(work);
    } finally {
      deadline.done();
    }
  }

  /** Runs `fn` while no maintenance step runs (maintenance.ts), for writes that update stored calls. */
  apartFromMaintenance<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.maintenanceLock.run(fn);
  }

  async insertCalls(calls: readonly Call[]): Promise<InsertResult> {
    if (calls.length === 0) return { inserted: 0, duplicates: 0 };
    return this.insertCsvBatch(await stageCalls(stagingDir(this.db.path), calls));
  }

  /**
   * Stores several callers' calls in one transaction (group-commit.ts) with one duplicate check,
   * and tells each caller what became of its own calls, exactly as if they had been stored one
   * after another in the given order: the first of a repeated call wins, so a call in two groups
   * is stored once, for the earlier group, and is the later group's duplicate. A failure stores
   * nothing of any group.
   */
  async insertCallGroups(groups: readonly (readonly Call[])[]): Promise<InsertResult[]> {
    const all = groups.flat();
    if (all.length === 0) return groups.map(() => ({ inserted: 0, duplicates: 0 }));
    // Ordinals are positions in `all`, so group k's calls are ordinals [starts[k], starts[k + 1]).
    const starts: number[] = [];
    let at = 0;
    for (const g of groups) {
      starts.push(at);
      at += g.length;
    }
    const batch = await stageCalls(stagingDir(this.db.path), all);
    try {
      const accounts = [...batch.accounts].sort();
      const inserted = groups.map(() => 0);
      // Before the transaction: no snapshot may hold a call outside the range (call-time-range.ts).
      this.db.callTimes.widen(batch.minCallTime, batch.maxCallTime);
      await this.transaction(async (w) => {
        // :TRICKY: the calls to store are kept in a temporary table with their ordinals, so each
        // group's count comes from the rows themselves (no matching of call ids in JS, whose
        // strings could differ from the stored ones after CSV encoding).
        await w.run(`CREATE OR REPLACE TEMP TABLE group_insert AS ${groupCallsSql(batch)}`, accounts);
        const rows = (await w.runAndReadAll('SELECT ordinal FROM group_insert')).getRowsJS();
        for (const [ordinal] of rows) inserted[groupOf(starts, Number(ordinal))]++;
        await w.run(`INSERT INTO calls_tail SELECT ${CALL_COLUMNS.join(', ')} FROM group_insert`);
        await w.run('DROP TABLE group_insert');
      });
      return groups.map((g, k) => ({ inserted: inserted[k], duplicates: g.length - inserted[k] }));
    } finally {
      await rm(batch.file, { force: true }).catch(() => undefined);
    }
  }

  /**
   * Stores a staged batch (csv-batch-file.ts) in one transaction and deletes its file: DuckDB reads
   * it on its own threads, the first of a repeated call wins, and calls already stored are
   * duplicates. The batch names its accounts and call_time range for whoever must know what a
   * write touched.
   */
  async insertCsvBatch(batch: CsvBatch): Promise<InsertResult> {
    try {
      if (batch.calls === 0) return { inserted: 0, duplicates: 0 };
      const insert = insertStatement(batch);
      this.db.callTimes.widen(batch.minCallTime, batch.maxCallTime);
      const inserted = await this.transaction(async (w) => {
        const result = await w.run(insert.sql, insert.params);
        return Number(result.rowsChanged);
      });
      return { inserted, duplicates: batch.calls - inserted };
    } finally {
      await rm(batch.file, { force: true }).catch(() => undefined);
    }
  }
}

/**
 * Seconds by which the same call may start differently in two of Kazoo's shapes (a CDR with
 * `channel_created_time` against a CSV row's `timestamp - duration`: rounding, at most a few
 * seconds). A day: a re-sent call is found however it was sent; docs/performance.md, "Ingest".
 */
export const DUPLICATE_MARGIN_SECONDS = 86_400;

/** The group (index into `starts`, ascending) whose ordinals hold `ordinal`. */
function groupOf(starts: readonly number[], ordinal: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= ordinal) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The batch's calls to store, with their ordinals: the first of a repeated call wins, and calls
 * already stored are left out. :TRICKY: calls has no key index (migration 3): a re-sent call is
 * found by this anti-join, inside the batch's transaction and under the write lock, so no other
 * insert can race it. The stored side is bounded by the batch's accounts (`accountBound`, over
 * `c.account_id`, whose values are parameters: they come from requests) and by its call_time
 * range (± the margin): constants DuckDB pushes into the scan, so zone maps skip every row group
 * outside them instead of scanning every stored call (~0.25 s a batch at 10M calls). The time
 * bounds are integers this code computed, written as literals so the comparison stays BIGINT (a
 * DOUBLE parameter would not prune).
 */
function newCallsSql(batch: CsvBatch, accountBound: string): string {
  // Clamped: a call stored at ±2^53−1 (any path may hold absurd times, issue 9) is still compared.
  const clamp = (v: number): number => Math.min(Math.max(v, -Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
  const lo = clamp(batch.minCallTime - DUPLICATE_MARGIN_SECONDS);
  const hi = clamp(batch.maxCallTime + DUPLICATE_MARGIN_SECONDS);
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) throw new Error(`bad call_time bounds ${lo}..${hi}`);
  return `SELECT s.* FROM (
      SELECT * FROM ${readCsvSql(batch.file, batch.maxLineBytes)}
      QUALIFY row_number() OVER (PARTITION BY account_id, call_id ORDER BY ordinal) = 1
    ) s
    WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.account_id = s.account_id AND c.call_id = s.call_id
      AND c.call_time BETWEEN ${lo} AND ${hi} AND ${accountBound})`;
}

/** The accounts themselves as the bound ($1…$n), for `accounts` of them. */
function listedAccounts(accounts: number): string {
  return `c.account_id IN (${Array.from({ length: accounts }, (_, i) => `$${i + 1}`).join(', ')})`;
}

/**
 * Most accounts a staged batch lists in its bound; a batch of more bounds the stored side by the
 * range between its lowest and highest account ($1, $2). A list pays when a batch holds a few
 * accounts (an import of a file grouped by account: a batch at an account boundary read up to
 * 8.9M stored calls through the range at 10M, 31.7k through the list; docs/performance.md,
 * "Round 8"); with hundreds, DuckDB's IN list costs more than the calls it skips.
 */
export const MAX_LISTED_ACCOUNTS = 64;

/**
 * A group's calls to store (insertCallGroups): bounded by the group's accounts themselves, not
 * the range between the first and the last, which would take in every account sorted between
 * (docs/performance.md, "HTTP ingest, round 4").
 */
function groupCallsSql(batch: CsvBatch): string {
  return newCallsSql(batch, listedAccounts(batch.accounts.length));
}

/** A batch's insert and its values: bounded by its accounts (MAX_LISTED_ACCOUNTS or fewer) or their range. */
function insertStatement(batch: CsvBatch): { sql: string; params: string[] } {
  const accounts = [...batch.accounts].sort();
  const listed = accounts.length <= MAX_LISTED_ACCOUNTS;
  const bound = listed ? listedAccounts(accounts.length) : 'c.account_id BETWEEN $1 AND $2';
  return {
    sql: `INSERT INTO calls_tail SELECT ${CALL_COLUMNS.join(', ')} FROM (${newCallsSql(batch, bound)})`,
    params: listed ? accounts : [accounts[0], accounts[accounts.length - 1]],
  };
}
