/**
 * Queries that read one external table (ClickHouse "external data": a TSV file sent with the query,
 * readable under a name). Parsing a 50,000-element IN list costs 18.16 seconds; this costs milliseconds.
 */
import { HttpStatusError } from './faults.js';
import { untilAborted } from './abort.js';
import { clickhouseString } from './literal.js';

/** One external table: its name in the SQL, its ClickHouse structure and its TabSeparated rows. */
export interface ExternalTable {
  name: string;
  structure: string;
  tsv: string;
}

export interface HttpTarget {
  url: string;
  database: string;
  username: string;
  password: string;
  settings: Record<string, unknown>;
}

/**
 * Sends `sql` with `table` as a multipart POST (the JS client cannot send external data) and returns
 * the JSONEachRow body, checked for a mid-stream exception frame.
 */
export async function postWithExternal(target: HttpTarget, sql: string, table: ExternalTable, timeout: AbortSignal): Promise<string> {
  const params = new URLSearchParams({ database: target.database, query: `${sql} FORMAT JSONEachRow` });
  for (const [key, value] of Object.entries(target.settings)) params.set(key, String(value));
  params.set(`${table.name}_structure`, table.structure);
  params.set(`${table.name}_format`, 'TabSeparated');
  const send = () => {
    const form = new FormData();
    form.append(table.name, new Blob([table.tsv]), `${table.name}.tsv`);
    return fetch(`${target.url}/?${params}`, {
      method: 'POST',
      body: form,
      headers: { Authorization: `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}` },
      signal: timeout,
    });
  };
  // :TRICKY: the server closes idle keep-alive sockets after a few seconds; a POST that finds its
  // pooled socket closed fails with "fetch failed" before any answer, and fetch does not retry a
  // POST. This query only reads, so it is sent again (twice at most).
  let res: Response | undefined;
  for (let attempt = 1; !res; attempt++) {
    try {
      res = await untilAborted(send(), timeout);
    } catch (err) {
      if (attempt >= 3 || !(err instanceof TypeError) || timeout.aborted) throw err;
    }
  }
  const text = await untilAborted(res.text(), timeout);
  if (!res.ok) throw new HttpStatusError(res.status, text);
  const tag = res.headers.get('x-clickhouse-exception-tag');
  const exception = tag ? exceptionInFrame(text, tag) : undefined;
  if (exception !== undefined) throw new Error(exception);
  return text;
}

const MARKER = '__exception__';

/**
 * The server's exception text when `body` ends with the mid-stream exception frame of 25.11+, else
 * undefined. A query that fails after its first rows were sent still answers 200; the frame is
 * `\r\n__exception__\r\nTAG\n<message>\n<length> TAG\r\n__exception__\r\n`, TAG being the value of
 * the answer's `X-ClickHouse-Exception-Tag` header (random per query, so row data cannot fake it).
 */
export function exceptionInFrame(body: string, tag: string): string | undefined {
  const open = `${MARKER}\r\n${tag}`;
  const start = body.indexOf(open);
  if (start < 0) return undefined;
  let message = body.slice(start + open.length);
  const close = message.lastIndexOf(` ${tag}\r\n${MARKER}`);
  if (close >= 0) message = message.slice(0, close).replace(/\n?\d+$/, '');
  message = message.trim();
  return message.length > 0 ? message : `Code: 1001. DB::Exception: the server failed mid-answer (exception tag ${tag})`;
}

/**
 * The source that reads `table` on an engine that takes no multipart request (chdb:): the rows inlined
 * with the `format` table function (ClickHouse 21.x+).
 */
export function inlineSource(table: ExternalTable): string {
  return `format(TabSeparated, ${clickhouseString(table.structure)}, ${clickhouseString(table.tsv)})`;
}
