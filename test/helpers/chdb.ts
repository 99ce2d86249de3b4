/**
 * ClickHouse 26.x in this process (the `chdb` package, installed by .ci/run with `npm install --no-save`),
 * for running the ClickHouse suites on a current engine. One engine per process holds one directory
 * at a time: a test file uses one `chdbDir()` (node's runner gives each file its own process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChdbDir {
  /** The directory, and the store location `chdb:DIR`. */
  dir: string;
  url: string;
  cleanup(): void;
}

/** A fresh, empty directory for a `chdb:` store, under os.tmpdir(). */
export function chdbDir(): ChdbDir {
  const dir = mkdtempSync(join(tmpdir(), 'callstats-chdb-'));
  return { dir, url: `chdb:${dir}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * True when this test process runs its ClickHouse suite on chdb: instead of a server. A `*-chdb.test.ts`
 * file sets CALLSTATS_TEST_CLICKHOUSE=chdb and imports the suite, so one suite runs on both engines.
 */
export function onChdb(): boolean {
  return process.env.CALLSTATS_TEST_CLICKHOUSE === 'chdb';
}
