import { join } from 'node:path';
import { CallstatsError } from '../core/errors.js';
import { DuckDBStore } from './duckdb/duckdb-store.js';
import { RemoteStore, type ServerHandle } from './remote/remote-store.js';
import { deadPid, readHandleFile, staleReason, writeHandleFile } from './remote/server-handle.js';
import type { Store } from './store.js';

/** A parsed `CALLSTATS_STORE` value. */
export type StoreLocation =
  | { kind: 'duckdb'; path: string }
  | { kind: 'clickhouse'; url: string }
  /** ClickHouse's in-process engine (the `chdb` package) on a directory: one process holds it, like a DuckDB file. */
  | { kind: 'chdb'; path: string; url: string };

export function parseStoreLocation(value: string): StoreLocation {
  if (value.startsWith('duckdb:')) {
    const path = value.slice('duckdb:'.length);
    if (!path) throw new Error(`CALLSTATS_STORE: empty DuckDB path in '${value}'`);
    return { kind: 'duckdb', path };
  }
  if (value.startsWith('clickhouse://') || value.startsWith('clickhouses://')) return { kind: 'clickhouse', url: value };
  if (value.startsWith('chdb:')) {
    const path = value.slice('chdb:'.length);
    if (!path) throw new Error(`CALLSTATS_STORE: empty chdb directory in '${value}'`);
    return { kind: 'chdb', path, url: value };
  }
  throw new Error(`CALLSTATS_STORE must be duckdb:PATH, clickhouse://HOST:PORT/DATABASE or chdb:DIR, not '${value}'`);
}

/** The file beside a DuckDB store where a running server says how the CLI can reach it. */
export function serverHandlePath(location: StoreLocation): string | undefined {
  if (location.kind === 'chdb') return join(location.path, 'callstats.server.json');
  return location.kind === 'duckdb' && location.path !== ':memory:' ? `${location.path}.server.json` : undefined;
}

export function writeServerHandle(location: StoreLocation, handle: ServerHandle): () => void {
  const path = serverHandlePath(location);
  return path ? writeHandleFile(path, handle) : () => undefined;
}

function readServerHandle(location: StoreLocation): ServerHandle | undefined {
  const path = serverHandlePath(location);
  return path ? readHandleFile(path) : undefined;
}

/** Other commands leave a stale handle in place (`serve` replaces it) and say so on stderr. */
function noteStale(location: StoreLocation, reason: string): void {
  process.stderr.write(`callstats: note: ignoring the stale server handle ${serverHandlePath(location)} (${reason})\n`);
}

/**
 * Opens the configured store. For a DuckDB file that a running server holds, `allowRemote`
 * returns a RemoteStore that forwards to that server instead of failing on DuckDB's lock.
 */
export async function openStore(
  value: string,
  opts: {
    allowRemote?: boolean;
    /** DuckDB's memory limit (the caller's `config.duckdbMemory`); none: the store's own default, DUCKDB_MEMORY. */
    duckdbMemory?: string | undefined;
    /** The caller's `config.queryTimeoutMs` (CALLSTATS_QUERY_TIMEOUT): the store layer reads no settings. */
    queryTimeoutMs: number;
  },
): Promise<Store> {
  const location = parseStoreLocation(value);
  const { queryTimeoutMs } = opts;
  const open = async (): Promise<Store> => {
    const store =
      location.kind === 'duckdb'
        ? new DuckDBStore(location.path, { memoryLimit: opts.duckdbMemory, queryTimeoutMs })
        : new (await import('./clickhouse/clickhouse-store.js')).ClickHouseStore(location.url, { queryTimeoutMs });
    await store.init();
    return store;
  };
  // A ClickHouse server is shared by design; a DuckDB file or a chdb directory is held by one process.
  if (location.kind === 'clickhouse') return open();
  try {
    return await open();
  } catch (err) {
    if (!(err instanceof CallstatsError && err.code === 'ERR_STORE_LOCKED') || !opts.allowRemote) throw err;
    const handle = readServerHandle(location);
    if (!handle) throw err;
    // A handle left by a server that died, beside a file someone else now holds: the lock error stands.
    const stale = await staleReason(handle);
    if (stale) {
      noteStale(location, stale);
      throw err;
    }
    return new RemoteStore(handle);
  }
}

/** The handle of the running server for this store, if there is one (for `query` over HTTP). */
export function runningServer(value: string): ServerHandle | undefined {
  const location = parseStoreLocation(value);
  const handle = readServerHandle(location);
  const dead = handle && deadPid(handle);
  if (dead) noteStale(location, dead);
  return dead ? undefined : handle;
}
