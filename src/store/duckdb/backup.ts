import type { DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CallstatsError } from '../../core/errors.js';
import type { BackupResult } from '../store.js';
import type { Database } from './database.js';
import { SCHEMA_VERSION } from './schema.js';

/** The store file's name inside a backup directory, and the manifest beside it. */
const FILE = 'callstats.duckdb';
const MANIFEST = 'callstats-backup.json';

/** What `backup.json` says about the copy. */
interface Manifest {
  format: 'callstats-duckdb-backup';
  created_at: string;
  source: string;
  schema_version: number;
  calls: number;
  files: string[];
}

/** Refuses a target directory that holds anything: a backup never mixes with other files. */
async function emptyDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const present = await readdir(dir);
  if (present.length > 0) {
    throw new CallstatsError('ERR_BACKUP', `backup directory ${dir} is not empty`, { dir: `holds ${present.slice(0, 3).join(', ')}` });
  }
}

/**
 * Writes the whole database that `w` is connected to into a new DuckDB file at `file`, in one
 * statement. The caller holds the write lock, so the copy is one committed state.
 */
export async function copyDatabase(w: DuckDBConnection, file: string): Promise<void> {
  // The calls keep their (account, time) order from the last compaction.
  await w.run('SET preserve_insertion_order = true');
  await w.run(`ATTACH '${file.replace(/'/g, "''")}' AS callstats_copy`);
  try {
    // The catalog is named after the file (callstats.duckdb → "callstats"), not "main".
    const name = String((await w.runAndReadAll('SELECT current_database() AS d')).getRowObjectsJS()[0].d);
    await w.run(`COPY FROM DATABASE "${name.replace(/"/g, '""')}" TO callstats_copy`);
  } finally {
    await w.run('DETACH callstats_copy').catch(() => undefined);
    await w.run('SET preserve_insertion_order = false').catch(() => undefined);
  }
}

/**
 * A consistent snapshot of a DuckDB store that may be serving: under the write lock, DuckDB
 * copies the database into a new file (COPY FROM DATABASE), which holds one committed state.
 * :TRICKY: the store file itself is never opened by us: DuckDB's lock on it is a POSIX record
 * lock, which the kernel drops when this process closes *any* descriptor of that file, so a
 * plain file copy would let a second process open the store under a running server. Reads go
 * on meanwhile; writes wait for the copy (docs/cli.md), so a timed insert may answer 503 and be re-sent.
 */
export async function backupDuckDB(db: Database, target: string): Promise<BackupResult> {
  if (db.path === ':memory:') throw new CallstatsError('ERR_BACKUP', 'an in-memory store has nothing to back up');
  const started = Date.now();
  const dir = resolve(target);
  await emptyDir(dir);
  return db.writeLock.run(async () => {
    const w = await db.writerLocked();
    const calls = Number((await w.runAndReadAll('SELECT count(*) AS n FROM calls')).getRowObjectsJS()[0].n);
    await copyDatabase(w, join(dir, FILE));
    const files = existsSync(join(dir, `${FILE}.wal`)) ? [FILE, `${FILE}.wal`] : [FILE];
    const manifest: Manifest = {
      format: 'callstats-duckdb-backup',
      created_at: new Date().toISOString(),
      source: db.path,
      schema_version: SCHEMA_VERSION,
      calls,
      files,
    };
    await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    let bytes = 0;
    for (const f of files) bytes += (await stat(join(dir, f))).size;
    return { dir, files: [...files, MANIFEST], bytes, calls, seconds: (Date.now() - started) / 1000 };
  });
}

/** Reads and checks a backup directory's manifest. */
export async function readBackup(dir: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(resolve(dir), MANIFEST), 'utf8')) as Manifest;
  } catch {
    throw new CallstatsError('ERR_BACKUP', `${dir} is not a callstats backup`, { dir: `no readable ${MANIFEST}` });
  }
  if (manifest.format !== 'callstats-duckdb-backup' || !Array.isArray(manifest.files) || !manifest.files.includes(FILE)) {
    throw new CallstatsError('ERR_BACKUP', `${dir} is not a callstats backup`, { dir: `${MANIFEST} is not a DuckDB backup's` });
  }
  if (manifest.schema_version > SCHEMA_VERSION) {
    throw new CallstatsError('ERR_BACKUP', `the backup in ${dir} is of a newer callstats (schema ${manifest.schema_version})`, {
      dir: `this callstats reads schema ${SCHEMA_VERSION} and older; upgrade callstats first`,
    });
  }
  return manifest;
}

/**
 * Puts a backup in place of the store file at `path` (the store must be closed: the CLI checks
 * that no server holds it). The copy is written beside the target and renamed over it, so an
 * interrupted restore leaves the old store, never half a file. Opening it migrates an older schema.
 */
export async function restoreDuckDB(dir: string, path: string): Promise<Manifest> {
  const manifest = await readBackup(dir);
  const source = resolve(dir);
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.restoring`);
  await rm(temp, { force: true });
  await rm(`${temp}.wal`, { force: true });
  await copyFile(join(source, FILE), temp);
  const wal = manifest.files.includes(`${FILE}.wal`);
  if (wal) await copyFile(join(source, `${FILE}.wal`), `${temp}.wal`);
  // The old WAL belongs to the old file: replayed onto the restored one it would corrupt it.
  await rm(`${path}.wal`, { force: true });
  await rename(temp, path);
  if (wal) await rename(`${temp}.wal`, `${path}.wal`);
  return manifest;
}
