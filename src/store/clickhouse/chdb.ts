/**
 * The in-process ClickHouse engine of the `chdb` npm package (ClickHouse 26.x, no server), plugged into
 * `@clickhouse/client` through its `createClient({ connection })` hook, so the store's code and SQL are
 * the same as against a server. docs/clickhouse.md, "chdb:".
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ClickHouseClientConfigOptions } from '@clickhouse/client';
import { CallstatsError } from '../../core/errors.js';

/** The chdb release the tests and the docs name (`.ci/run` installs it). */
export const CHDB_VERSION = '3.4.0';
export const CHDB_INSTALL = `npm install --no-save chdb@${CHDB_VERSION}`;

type Injected = NonNullable<ClickHouseClientConfigOptions['connection']>;
interface ChdbModule {
  createChdbConnection(opts: { path: string }): Injected;
}

let loaded: ChdbModule | undefined;

/**
 * A connection of `@clickhouse/client` to the engine holding `dir`. Connections of one process to one
 * directory share the engine; another process holding the directory is `ERR_STORE_LOCKED`.
 * :TRICKY: `chdb` is not a dependency (543 MB): it is loaded by name at run time, so the type-check and
 * a user's install never need it, and its absence is an error that says how to install it.
 */
export function chdbConnection(dir: string): Injected {
  if (!loaded) {
    try {
      loaded = createRequire(import.meta.url)('chdb/connection') as ChdbModule;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
      throw new Error(
        `CALLSTATS_STORE=chdb:${dir} needs the chdb package (ClickHouse's in-process engine, ~543 MB), which callstats does not install: run \`${CHDB_INSTALL}\` in the callstats folder`,
      );
    }
  }
  try {
    return loaded.createChdbConnection({ path: dir });
  } catch (err) {
    const holder = holderPid(dir);
    if (holder !== undefined && holder !== process.pid) {
      throw new CallstatsError('ERR_STORE_LOCKED', `the store chdb:${dir} is in use by another process`, {
        store: `chdb:${dir}`,
        pid: holder,
      });
    }
    throw err;
  }
}

/**
 * The live process holding `dir`, from the `status` file the engine keeps there while it runs
 * (`PID: N`). :TRICKY: the engine's error for a held directory says only "Failed to create connection"
 * (the lock message goes to its own log), so the file is what tells a lock from other failures.
 */
function holderPid(dir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, 'status'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM' ? pid : undefined;
  }
}
