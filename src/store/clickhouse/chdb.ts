/**
 * The in-process ClickHouse engine of the `chdb` npm package (ClickHouse 26.x, no server), plugged into
 * `@clickhouse/client` through its `createClient({ connection })` hook, so the store's code and SQL are
 * the same as against a server. docs/clickhouse.md, "chdb:".
 */
import { createRequire } from 'node:module';
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
    const cause = (err as { cause?: unknown }).cause;
    const text = `${err instanceof Error ? err.message : String(err)} ${cause instanceof Error ? cause.message : ''}`;
    if (/Cannot lock file|Another server instance/i.test(text)) {
      throw new CallstatsError('ERR_STORE_LOCKED', `the store chdb:${dir} is in use by another process`, { store: `chdb:${dir}` });
    }
    throw err;
  }
}
