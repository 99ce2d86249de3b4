import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { createClient, ClickHouseLogLevel, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';

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
};

/** One HTTP endpoint of ClickHouse, with the few operations the store needs. */
export class Connection {
  readonly client: ClickHouseClient;

  constructor(
    readonly url: string,
    readonly database: string,
    private readonly username: string,
    private readonly password: string,
  ) {
    this.client = createClient({
      url,
      database,
      username,
      password,
      // 18.16 answers compressed requests, but plain HTTP is measurably faster on loopback and LAN.
      compression: { request: false, response: false },
      request_timeout: 600_000,
      clickhouse_settings: COMMON_SETTINGS,
      // Errors are thrown to the caller; the client's own logging would print each one a second time.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  /** Runs a statement that returns no rows (DDL, ALTER, INSERT ... SELECT). */
  async command(sql: string, settings: ClickHouseSettings = {}): Promise<void> {
    await this.client.command({ query: sql, clickhouse_settings: settings });
  }

  /** Runs a query and returns its rows. */
  async rows<T = Record<string, unknown>>(sql: string, settings: ClickHouseSettings = {}, signal?: AbortSignal): Promise<T[]> {
    const result = await this.client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: settings, abort_signal: signal });
    return result.json<T>();
  }

  /** Inserts TabSeparated text (already escaped) into `table`. */
  async insertTsv(table: string, columns: readonly string[], tsv: string, settings: ClickHouseSettings = {}): Promise<void> {
    if (tsv.length === 0) return;
    await this.client.insert({
      table,
      columns: columns as [string, ...string[]],
      values: Readable.from([Buffer.from(tsv)], { objectMode: false }),
      format: 'TabSeparated',
      clickhouse_settings: settings,
    });
  }

  /**
   * Runs a query that reads one external table (ClickHouse "external data": a TSV file sent with the
   * query, readable as `name`). Parsing a 50,000-element IN list costs 18.16 seconds; this costs
   * milliseconds. The JS client cannot send external data, so this is a plain multipart POST.
   */
  async rowsWithExternal<T>(sql: string, name: string, structure: string, tsv: string): Promise<T[]> {
    const params = new URLSearchParams({ database: this.database, query: `${sql} FORMAT JSONEachRow` });
    for (const [key, value] of Object.entries(COMMON_SETTINGS)) params.set(key, String(value));
    params.set(`${name}_structure`, structure);
    params.set(`${name}_format`, 'TabSeparated');
    const send = () => {
      const form = new FormData();
      form.append(name, new Blob([tsv]), `${name}.tsv`);
      return fetch(`${this.url}/?${params}`, {
        method: 'POST',
        body: form,
        headers: { Authorization: `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}` },
      });
    };
    // :TRICKY: the server closes idle keep-alive sockets after a few seconds; a POST that finds its
    // pooled socket closed fails with "fetch failed" before any answer, and fetch does not retry a
    // POST. This query only reads, so it is sent again (twice at most).
    let res: Response | undefined;
    for (let attempt = 1; !res; attempt++) {
      try {
        res = await send();
      } catch (err) {
        if (attempt >= 3 || !(err instanceof TypeError)) throw err;
      }
    }
    const text = await res.text();
    if (!res.ok) throw new Error(text.trim());
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as T);
  }

  /** Streams the rows of a query; stopping early or aborting `signal` cancels it on the server. */
  async *stream(sql: string, signal?: AbortSignal): AsyncGenerator<Record<string, unknown>> {
    if (signal?.aborted) throw abortError(signal);
    const queryId = randomUUID();
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    try {
      const result = await this.client.query({
        query: sql,
        format: 'JSONEachRow',
        query_id: queryId,
        abort_signal: controller.signal,
      });
      for await (const rows of result.stream<Record<string, unknown>>()) {
        for (const row of rows) yield row.json();
      }
      finished = true;
    } catch (err) {
      if (signal?.aborted) throw abortError(signal);
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!finished) {
        controller.abort();
        await this.kill(queryId);
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
      await this.client.command({ query: `KILL QUERY WHERE query_id = '${queryId}' ASYNC` });
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

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}
