import type { DuckDBConnection, DuckDBDataChunk, DuckDBResult, DuckDBValue } from '@duckdb/node-api';
import { canonicalRow } from '../canonical-row.js';
import type { ColumnChunk, CompiledSql } from '../store.js';
import type { Database } from './database.js';
import { Deadline } from './deadline.js';
import { classifyFault, faultError } from './faults.js';
import { PreparedStatements } from './prepared.js';

/**
 * Read queries of the embedded store: on pooled connections, through prepared statements, each bounded
 * by the query timeout, retried once after a reopen; rows leave in the canonical form (canonical-row.ts).
 */
export class Reads {
  private readonly prepared = new PreparedStatements();

  constructor(private readonly db: Database) {}

  /**
   * Runs `attempt` on a read connection within the query timeout. A statement running at the
   * deadline is interrupted and its connection closed; a fatal error reopens the instance and the
   * read is tried once more on it (nothing was handed out yet), so reads answer through a disk
   * that filled under a write.
   */
  private async read<T>(attempt: (c: DuckDBConnection) => Promise<T>, keep = false): Promise<T> {
    const deadline = new Deadline(this.db.timeoutMs);
    try {
      for (let tries = 0; ; tries++) {
        const pending = this.db.connection();
        let c: DuckDBConnection;
        try {
          c = await deadline.race(pending);
        } catch (err) {
          // A connection that arrives after the deadline goes straight back.
          pending.then(
            (late) => this.db.release(late),
            () => undefined,
          );
          throw err;
        }
        const epoch = this.db.pool.epochOf(c);
        const stop = deadline.onExpire(() => c.interrupt());
        let reusable = false;
        // A statement starts only outside a maintenance COMMIT (commit-gate.ts).
        const work = this.db.commitGate
          .read(() => attempt(c))
          .then(
            (v) => ((reusable = true), v),
            (err) => Promise.reject(err),
          );
        // The connection goes back only once DuckDB is done with it, even after a timeout; with
        // `keep`, a successful attempt keeps it (the caller releases it).
        work
          .finally(() => {
            if (!(keep && reusable && !deadline.expired)) this.db.release(c, reusable && !deadline.expired);
          })
          .catch(() => undefined);
        try {
          return await deadline.race(work);
        } catch (err) {
          if (deadline.expired) throw deadline.error();
          const { kind } = classifyFault(err);
          if ((kind === 'invalidated' || kind === 'durable') && tries === 0) {
            await deadline.race(this.db.recover(epoch));
            continue;
          }
          throw faultError(err, this.db.memoryLimit);
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
      const statement = await this.prepared.on(c, query.sql, this.db.generation);
      try {
        statement.bind(query.params as DuckDBValue[]);
        const reader = await statement.runAndReadAll();
        return reader.getRowObjectsJS().map(canonicalRow);
      } catch (err) {
        this.prepared.forget(c, query.sql);
        throw err;
      }
    });
  }

  /**
   * The materialised result's chunks when it has at most `maxRows` rows, else undefined: no row
   * object is made either way. A fetched chunk is a copy of the result's (DuckDB fetches
   * materialised chunks without zero-copy), so it stays readable after the connection went back.
   * :TRICKY: the array still holds the result, so nothing a vector may point into is freed
   * before the caller has read it.
   */
  async chunksAtMost(query: CompiledSql, maxRows: number): Promise<DuckDBDataChunk[] | undefined> {
    return this.read(async (c) => {
      const statement = await this.prepared.on(c, query.sql, this.db.generation);
      try {
        statement.bind(query.params as DuckDBValue[]);
        const result = await statement.run();
        if (result.rowCount > maxRows) return undefined;
        const chunks: DuckDBDataChunk[] = [];
        for (let i = 0; i < result.chunkCount; i++) chunks.push(result.getChunk(i));
        return Object.defineProperty(chunks, 'result', { value: result });
      } catch (err) {
        this.prepared.forget(c, query.sql);
        throw err;
      }
    });
  }

  async *streamText(query: CompiledSql, signal?: AbortSignal): AsyncIterable<string> {
    yield* this.streamed(query, signal, async function* (result) {
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        yield joinedText(chunk);
      }
    });
  }

  async *streamChunks(query: CompiledSql, signal?: AbortSignal): AsyncIterable<ColumnChunk> {
    yield* this.streamed(query, signal, async function* (result) {
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) yield chunk;
    });
  }

  async *stream(query: CompiledSql, signal?: AbortSignal): AsyncIterable<Record<string, unknown>> {
    for await (const rows of this.streamed(query, signal, (result) => result.yieldRowObjectJs())) {
      for (const row of rows) yield canonicalRow(row);
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
    if (signal?.aborted) return this.db.release(conn, false);
    // :TRICKY: interrupt() cancels the running query inside DuckDB; a connection that was
    // interrupted is closed rather than pooled so no half-read result leaks into the next user.
    const onAbort = () => conn.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    let clean = false;
    try {
      const items = read(result)[Symbol.asyncIterator]();
      for (;;) {
        const deadline = new Deadline(this.db.timeoutMs);
        deadline.onExpire(() => conn.interrupt());
        let next: IteratorResult<T>;
        try {
          next = await deadline.race(items.next());
        } catch (err) {
          if (deadline.expired) throw deadline.error();
          throw faultError(err, this.db.memoryLimit);
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
      this.db.release(conn, clean);
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
