import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Config } from '../core/config.js';
import { CallstatsError } from '../core/errors.js';
import { recordsPage, csvChunks } from '../report/records.js';
import { parseApiQuery, parsePageSize, parsePeriod, parseStartKey } from '../report/request.js';
import { statistics } from '../report/statistics.js';
import { accountIsEmpty } from '../report/account-empty.js';
import { ZoneService } from '../zones/zone-service.js';
import { openStore, runningServer } from '../store/open-store.js';
import { controlHeaders } from '../store/remote/control-channel.js';
import type { ServerHandle } from '../store/remote/remote-store.js';
import { usage } from './output.js';

/** What `callstats query` was asked. */
export interface QueryArgs {
  account: string;
  /** A period, `csv` or `json`. */
  what: string;
  q?: string;
  pageSize?: string;
  startKey?: string;
  json: boolean;
}

/**
 * `callstats query --account ID PERIOD|csv|json [--q JSON] [--page-size N] [--start-key K]`: the
 * API's answer without HTTP. While `serve` holds a DuckDB file (one writer per file), the running
 * server answers over its API with the control token; otherwise the store is opened here.
 */
export async function runQuery(config: Config, args: QueryArgs, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  // Validate before choosing a route, so both routes refuse the same things the same way.
  if (args.what !== 'csv' && args.what !== 'json') parsePeriod(args.what);
  parseApiQuery(args.q, config);
  const pageSize = args.what === 'json' ? parsePageSize(args.pageSize) : undefined;
  parseStartKey(args.startKey);
  const server = runningServer(config.store);
  if (server) {
    const answered = await viaServer(server, args, pageSize, out);
    if (answered) return 0;
  }
  await direct(config, args, pageSize, out);
  return 0;
}

function print(out: NodeJS.WritableStream, value: unknown, compact: boolean): void {
  out.write(`${compact ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`);
}

/** Answers through a running server; false when the handle is stale (nobody listens), so the caller opens the store. */
async function viaServer(
  server: ServerHandle,
  args: QueryArgs,
  pageSize: number | undefined,
  out: NodeJS.WritableStream,
): Promise<boolean> {
  const url = new URL(`${server.url}/v2/accounts/${encodeURIComponent(args.account)}/call_statistics/${args.what}`);
  if (pageSize !== undefined) url.searchParams.set('page_size', String(pageSize));
  if (args.startKey) url.searchParams.set('start_key', args.startKey);
  let res: Response;
  try {
    // POST carries q as the body, so a long query never meets a URL limit.
    res = await fetch(url, {
      method: 'POST',
      headers: controlHeaders(server.controlToken),
      body: args.q && args.q.trim() ? args.q : '{}',
    });
  } catch {
    return false;
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string; data?: Record<string, unknown> };
    throw new CallstatsError('ERR_REMOTE', body.message ?? `server answered ${res.status}`, body.data ?? {}, res.status);
  }
  if (args.what === 'csv') {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), out, { end: false });
    return true;
  }
  const body = (await res.json()) as { data: unknown; page_size?: number; next_start_key?: string; account_empty?: boolean };
  if (args.what === 'json') print(out, page(body), args.json);
  else print(out, body.data, args.json);
  if (body.account_empty) noCalls(args);
  return true;
}

function page(p: { data: unknown; page_size?: number; next_start_key?: string }): Record<string, unknown> {
  return { data: p.data, page_size: p.page_size, ...(p.next_start_key ? { next_start_key: p.next_start_key } : {}) };
}

async function direct(config: Config, args: QueryArgs, pageSize: number | undefined, out: NodeJS.WritableStream): Promise<void> {
  const store = await openStore(config.store, {
    allowRemote: true,
    duckdbMemory: config.duckdbMemory,
    queryTimeoutMs: config.queryTimeoutMs,
  });
  try {
    const query = parseApiQuery(args.q, config);
    if (args.what === 'csv') {
      const zones = await ZoneService.open(store, config.defaultCountry);
      await pipeline(Readable.from(csvChunks(store, zones, args.account, query, config.dateOrder)), out, { end: false });
    } else if (args.what === 'json') {
      const zones = await ZoneService.open(store, config.defaultCountry);
      print(
        out,
        page(await recordsPage(store, zones, args.account, query, config.dateOrder, pageSize!, parseStartKey(args.startKey))),
        args.json,
      );
    } else {
      const data = await statistics(store, args.account, parsePeriod(args.what), query, config);
      print(out, data, args.json);
      if (await accountIsEmpty(store, args.account, data)) noCalls(args);
    }
  } finally {
    await store.close();
  }
}

/** The API's `account_empty`, said on stderr (stdout stays the answer): the id is probably mistyped. */
function noCalls(args: QueryArgs): void {
  if (!args.json) process.stderr.write(`callstats: account '${args.account}' has no calls stored (check the account id)\n`);
}

/** `callstats query` as the command table (commands.ts) runs it. */
export async function queryCommand(opts: {
  config: Config;
  values: Record<string, unknown>;
  args: string[];
  json: boolean;
}): Promise<number> {
  const account = opts.values.account;
  const [what, ...more] = opts.args;
  if (typeof account !== 'string' || !account) return usage('query needs --account ID');
  if (!what || more.length > 0)
    return usage('usage: callstats query --account ID PERIOD|csv|json [--q JSON] [--page-size N] [--start-key K] [--json]');
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return runQuery(opts.config, {
    account,
    what,
    q: str(opts.values.q),
    pageSize: str(opts.values['page-size']),
    startKey: str(opts.values['start-key']),
    json: opts.json,
  });
}
