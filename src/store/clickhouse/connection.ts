import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { createClient, ClickHouseLogLevel, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { abortError, isStaleSocket, untilAborted, whileOpen } from './abort.js';
import { chdbConnection } from './chdb.js';
import { inlineSource, postWithExternal, type ExternalTable } from './external.js';
import { DEFAULT_QUERY_TIMEOUT_MS, exceptionCode, isUnavailable, storeError, timeoutError } from './faults.js';
import type { Health } from './health.js';

/**
 * Settings sent with every request. All exist in 18.16 and in current releases.
 * :TRICKY: 18.16 rejects unknown settings with Code 115, so nothing newer (session_timezone,
 * query parameters, async_insert ...) may ever be sent.
 */
const COMMON_SETTINGS: ClickHouseSettings = {
  // Int64/UInt64 as JSON numbers, not strings.
  output_format_json_quote_64bit_integers: 0,
  // Filters on a whole country list tens of thousands of zone ids; a dedupe check lists a batch of ids.
  max_query_size: '67108864',
  max_ast_elements: '10000000',
  max_expanded_ast_elements: '10000000',
  // Standard SQL outer joins (NULL, not the type's default, for a missing right row).
  join_use_nulls: 1,
  // A Distributed read with a whole shard down fails (a 503), never a partial answer that looks complete.
  // 0 is the default on every release; it is sent so a server profile cannot turn it on.
  skip_unavailable_shards: 0,
  // Replicated shards (docs/clickhouse.md, "Replicated cluster"): reads and inserts of Distributed tables
  // go to the first live replica of each shard in remote_servers order, so the duplicate check of a
  // re-sent batch reads the replica its first send wrote, not one still fetching it (random balancing
  // once reported a re-sent batch as new). A replica more than 1 s behind (one restarted after a stop)
  // is passed over while it catches up.
  load_balancing: 'in_order',
  max_replica_delay_for_distributed_queries: '1',
};

/** The prefix of a store location on the in-process engine (`chdb:DIR`). */
export const CHDB_PREFIX = 'chdb:';

/**
 * One HTTP endpoint of ClickHouse (or the in-process engine of `chdb:DIR`), with the few operations the store needs. Every operation fails with
 * a coded 503 (`storeUnavailable`/`storeTimeout`, 507 for a full disk) when the server cannot answer;
 * reads and commands give up after `timeoutMs`, inserts are bounded by the caller (ClickHouseStore), and
 * a stream gives up when the server sends nothing for `timeoutMs` while it is being read.
 */
export class Connection {
  readonly client: ClickHouseClient;
  /** True for `chdb:`: no HTTP, no multipart requests, no sockets. */
  readonly inProcess: boolean;

  constructor(
    readonly url: string,
    readonly database: string,
    private readonly username: string,
    private readonly password: string,
    readonly timeoutMs: number = DEFAULT_QUERY_TIMEOUT_MS,
    /** Told of every answer and every request that got none (see Health). */
    private readonly health?: Health,
  ) {
    const chdb = url.startsWith(CHDB_PREFIX) ? url.slice(CHDB_PREFIX.length) : undefined;
    this.inProcess = chdb !== undefined;
    this.client = createClient({
      // chdb: the same client, its requests served by the engine in this process instead of HTTP.
      ...(chdb !== undefined ? { connection: chdbConnection(chdb) } : { url }),
      database,
      username,
      password,
      // 18.16 answers compressed requests, but plain HTTP is measurably faster on loopback and LAN.
      compression: { request: false, response: false },
      // :TRICKY: a socket idle timeout, not a deadline: requests are bounded by `timeoutMs` through their
      // abort signals. It only bounds an insert that the store stopped waiting for (see insertCalls),
      // which must run to its end rather than be cut, so it stays long.
      request_timeout: 600_000,
      clickhouse_settings: COMMON_SETTINGS,
      // Errors are thrown to the caller; the client's own logging would print each one a second time.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  /** Runs a statement that returns no rows (DDL, ALTER, INSERT ... SELECT). */
  async command(sql: string, settings: ClickHouseSettings = {}): Promise<void> {
    await this.bounded(undefined, (signal) => this.client.command({ query: sql, clickhouse_settings: settings, abort_signal: signal }));
  }

  /** Runs a query and returns its rows; the server stops it too after `timeoutMs` (max_execution_time). */
  async rows<T = Record<string, unknown>>(sql: string, settings: ClickHouseSettings = {}, signal?: AbortSignal): Promise<T[]> {
    const all = { max_execution_time: Math.ceil(this.timeoutMs / 1000), ...settings };
    // :TRICKY: a pooled keep-alive socket to a server that was restarted fails before any answer
    // (ECONNRESET, socket hang up); a read is safe to send once more, on a new socket.
    return this.bounded(
      signal,
      async (abort) => {
        const result = await this.client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: all, abort_signal: abort });
        // :TRICKY: the client stops listening to abort_signal once the answer's headers are in, so a
        // server that froze between its headers and the end of its body would hold `json()` until the
        // 600 s socket idle timeout. Closing the result set destroys the response and its socket.
        return whileOpen(result, abort, () => result.json<T>());
      },
      true,
    );
  }

  /**
   * Inserts TabSeparated text (already escaped) into `table`. Not cut after `timeoutMs`: the store decides
   * how long a caller waits, and an insert it stopped waiting for runs to its end (see insertCalls).
   */
  async insertTsv(table: string, columns: readonly string[], tsv: string, settings: ClickHouseSettings = {}): Promise<void> {
    if (tsv.length === 0) return;
    try {
      await this.client.insert({
        table,
        columns: columns as [string, ...string[]],
        values: Readable.from([Buffer.from(tsv)], { objectMode: false }),
        format: 'TabSeparated',
        clickhouse_settings: settings,
      });
      this.health?.up();
    } catch (err) {
      throw this.failure(err);
    }
  }

  /**
   * Runs `request` with an abort signal that fires after `timeoutMs` or when `caller` aborts; a timeout
   * becomes `storeTimeout`, a failure of the store `storeUnavailable`, the caller's abort stays an abort.
   */
  private async bounded<T>(caller: AbortSignal | undefined, request: (signal: AbortSignal) => Promise<T>, isRead = false): Promise<T> {
    if (caller?.aborted) throw abortError(caller);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = caller ? AbortSignal.any([caller, timeout]) : timeout;
    for (let attempt = 1; ; attempt++) {
      try {
        // The race is the outermost bound: whatever the client awaits inside (a pooled socket, a body
        // it drains after the headers), the caller has its answer when the signal fires.
        const result = await untilAborted(request(signal), signal);
        this.health?.up();
        return result;
      } catch (err) {
        if (caller?.aborted) throw abortError(caller);
        if (timeout.aborted) throw this.failure(timeoutError(this.timeoutMs, this.url));
        if (isRead && attempt === 1 && isStaleSocket(err)) continue;
        throw this.failure(err);
      }
    }
  }

  /** The error callers see for what a request threw; a request that got no answer marks the store down. */
  private failure(err: unknown): unknown {
    const translated = storeError(err, this.url);
    const answered = exceptionCode(err) !== undefined;
    if (isUnavailable(translated) && !answered) this.health?.failed(String((translated as { data: { store?: unknown } }).data.store));
    return translated;
  }

  /**
   * Runs a query that reads one external table (external.ts): `sql` gets the source to read it from.
   * Over HTTP the rows travel as external data; on chdb: they are inlined in the query.
   */
  async rowsWithExternal<T>(table: ExternalTable, sql: (source: string) => string): Promise<T[]> {
    if (this.inProcess) return this.rows<T>(sql(inlineSource(table)));
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const target = { url: this.url, database: this.database, username: this.username, password: this.password, settings: COMMON_SETTINGS };
    try {
      const text = await postWithExternal(target, sql(table.name), table, timeout);
      this.health?.up();
      return text
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as T);
    } catch (err) {
      if (timeout.aborted) throw this.failure(timeoutError(this.timeoutMs, this.url));
      throw this.failure(err);
    }
  }

  /**
   * Streams the rows of a query; stopping early or aborting `signal` cancels it on the server. Gives up
   * with `storeTimeout` when the server sends nothing for `timeoutMs` while the stream waits for it (time
   * the consumer spends between rows does not count: a slow CSV client is not a slow store).
   */
  async *stream(sql: string, signal?: AbortSignal): AsyncGenerator<Record<string, unknown>> {
    if (signal?.aborted) throw abortError(signal);
    const queryId = randomUUID();
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.timeoutMs);
    };
    const disarm = () => clearTimeout(timer);
    let finished = false;
    let failed = false;
    let chunks: AsyncIterator<unknown[]> | undefined;
    try {
      arm();
      const result = await this.client.query({
        query: sql,
        format: 'JSONEachRow',
        query_id: queryId,
        abort_signal: controller.signal,
      });
      const rows = result.stream<Record<string, unknown>>()[Symbol.asyncIterator]();
      chunks = rows;
      // :TRICKY: as in `rows`, the client's abort_signal no longer reaches the response once its headers
      // are in: only closing the result set ends a `next()` that waits for a frozen server.
      const close = () => result.close();
      if (controller.signal.aborted) close();
      else controller.signal.addEventListener('abort', close, { once: true });
      for (;;) {
        const next = await rows.next();
        disarm();
        this.health?.up();
        if (next.done) break;
        for (const row of next.value) yield row.json();
        arm();
      }
      finished = true;
    } catch (err) {
      failed = true;
      if (signal?.aborted) throw abortError(signal);
      if (timedOut) throw this.failure(timeoutError(this.timeoutMs, this.url));
      throw this.failure(err);
    } finally {
      disarm();
      signal?.removeEventListener('abort', onAbort);
      if (!finished) {
        controller.abort();
        // Ending the response stream releases its socket; without it the server keeps sending.
        void chunks?.return?.().catch(() => undefined);
        // A server that did not answer will not answer a KILL either: do not wait for it then.
        const kill = this.kill(queryId);
        if (!failed || signal?.aborted) await kill;
      }
    }
  }

  /**
   * :TRICKY: 18.16 notices a closed HTTP connection only when it next writes a block, so a query that
   * aggregates for minutes before its first row keeps running after the client is gone (there is no
   * cancel_http_readonly_queries_on_client_close before 19.x). KILL QUERY stops it for sure.
   */
  async kill(queryId: string): Promise<void> {
    try {
      const signal = AbortSignal.timeout(Math.min(this.timeoutMs, 5_000));
      // Raced too: the client drains the answer after dropping the signal (see `rows`).
      await untilAborted(this.client.command({ query: `KILL QUERY WHERE query_id = '${queryId}' ASYNC`, abort_signal: signal }), signal);
    } catch {
      // best effort: the query may be gone already, the server may be unreachable
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/**
 * Writes rows of a small table (zones, keys, tokens) to every server, so any server of a cluster answers
 * reads alone and joins with `zones` work on every shard.
 */
export async function writeAll(hosts: readonly Connection[], table: string, columns: readonly string[], tsv: string): Promise<void> {
  await Promise.all(hosts.map((conn) => conn.insertTsv(table, columns, tsv)));
}
