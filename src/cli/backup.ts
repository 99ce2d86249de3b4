import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../core/config.js';
import { CallstatsError } from '../core/errors.js';
import { openStore, parseStoreLocation } from '../store/open-store.js';
import { restoreDuckDB, readBackup } from '../store/duckdb/backup.js';
import { DuckDBStore } from '../store/duckdb/duckdb-store.js';
import { makeOutput, n } from './output.js';

const CLICKHOUSE =
  'a ClickHouse store is backed up with ClickHouse\'s own tools (docs/clickhouse.md, "Backup and restore"): ' +
  'ALTER TABLE … FREEZE or clickhouse-backup on 18.16 and later, BACKUP DATABASE … TO Disk(…) from 22.8';

/**
 * `callstats backup DIR`: a consistent snapshot of the embedded store into an empty DIR. While
 * `serve` holds the file the server takes it (through the control channel), so ingest goes on
 * around it; otherwise the store is opened here.
 */
export async function runBackup(config: Config, dir: string, json: boolean): Promise<number> {
  const location = parseStoreLocation(config.store);
  if (location.kind !== 'duckdb') throw new CallstatsError('ERR_NOT_SUPPORTED', CLICKHOUSE);
  const out = makeOutput(json);
  const store = await openStore(config.store, {
    allowRemote: true,
    duckdbMemory: config.duckdbMemory,
    queryTimeoutMs: config.queryTimeoutMs,
  });
  try {
    if (!store.backup) throw new CallstatsError('ERR_NOT_SUPPORTED', 'this store cannot be backed up by callstats');
    out.progress(`backing up ${location.path} to ${resolve(dir)} ...`);
    const r = await store.backup(resolve(dir));
    out.done();
    out.result(r, `backed up ${n(r.calls)} calls (${(r.bytes / 1e6).toFixed(1)} MB) to ${r.dir} in ${r.seconds.toFixed(1)} s`);
    return 0;
  } finally {
    await store.close();
  }
}

/** True when the store at `path` holds calls, API keys or webhook tokens (zones alone are rebuilt on open). */
async function holdsData(path: string, config: Config): Promise<boolean> {
  if (!existsSync(path)) return false;
  const store = new DuckDBStore(path, { memoryLimit: config.duckdbMemory, queryTimeoutMs: config.queryTimeoutMs });
  try {
    await store.init();
  } catch (err) {
    // The file lock, not the server handle, says whether someone holds it (a handle may be stale).
    if (err instanceof CallstatsError && err.code === 'ERR_STORE_LOCKED') {
      throw new CallstatsError('ERR_STORE_LOCKED', `${path} is in use (callstats serve?): stop it before restoring`, err.data);
    }
    throw err;
  }
  try {
    const [calls, keys, tokens] = await Promise.all([store.countCalls(), store.listKeys(), store.listWebhookTokens()]);
    return calls > 0 || keys.length > 0 || tokens.length > 0;
  } finally {
    await store.close();
  }
}

/**
 * `callstats restore DIR [--force]`: puts a backup in place of the embedded store. The server must
 * be stopped (the file is replaced), and a store holding data is only replaced with --force.
 */
export async function runRestore(config: Config, dir: string, force: boolean, json: boolean): Promise<number> {
  const location = parseStoreLocation(config.store);
  if (location.kind !== 'duckdb') throw new CallstatsError('ERR_NOT_SUPPORTED', CLICKHOUSE.replace('backed up', 'restored'));
  if (location.path === ':memory:') throw new CallstatsError('ERR_NOT_SUPPORTED', 'an in-memory store cannot be restored into');
  const out = makeOutput(json);
  const manifest = await readBackup(dir);
  if ((await holdsData(location.path, config)) && !force) {
    throw new CallstatsError(
      'ERR_STORE_NOT_EMPTY',
      `${location.path} holds calls, keys or webhook tokens; restore replaces it only with --force`,
    );
  }
  await restoreDuckDB(dir, location.path);
  // Opening migrates a backup of an older schema, and proves the copy is a store.
  const store = new DuckDBStore(location.path, { memoryLimit: config.duckdbMemory, queryTimeoutMs: config.queryTimeoutMs });
  await store.init();
  let calls: number;
  try {
    calls = await store.countCalls();
  } finally {
    await store.close();
  }
  out.result(
    { restored: location.path, from: resolve(dir), created_at: manifest.created_at, calls },
    `restored ${n(calls)} calls into ${location.path} from the backup of ${manifest.created_at}`,
  );
  return 0;
}
