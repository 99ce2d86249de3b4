import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CallstatsError } from '../../core/errors.js';
import type { BackupResult } from '../store.js';
import type { Database } from './database.js';
import { SCHEMA_VERSION } from './schema.js';
import { checkpointSoon } from './writes.js';

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
 * A consistent snapshot of a DuckDB store that may be serving: under the write lock (no write
 * can commit, so no checkpoint can touch the file) the WAL is checkpointed into the file, and the
 * file (and a WAL left by a checkpoint that readers kept refusing) is copied. :TRICKY: reads go on
 * meanwhile and do not change the file; writes wait for the copy, so ingest stalls for as long as
 * copying the file takes (docs/cli.md says so), and a timed insert may answer 503 and be re-sent.
 */
export async function backupDuckDB(db: Database, target: string): Promise<BackupResult> {
  if (db.path === ':memory:') throw new CallstatsError('ERR_BACKUP', 'an in-memory store has nothing to back up');
  const started = Date.now();
  const dir = resolve(target);
  await emptyDir(dir);
  return db.writeLock.run(async () => {
    const w = await db.writerLocked();
    await checkpointSoon(w);
    const calls = Number((await w.runAndReadAll('SELECT count(*) AS n FROM calls')).getRowObjectsJS()[0].n);
    const files = [FILE];
    await copyFile(db.path, join(dir, FILE));
    if (existsSync(`${db.path}.wal`)) {
      await copyFile(`${db.path}.wal`, join(dir, `${FILE}.wal`));
      files.push(`${FILE}.wal`);
    }
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
