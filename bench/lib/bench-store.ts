import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClickHouse } from '../../test/helpers/clickhouse-server.js';
import { log } from './progress.js';

/** A throw-away callstats store: where it is, how to ask its engine's version, and how to remove it. */
export interface BenchStore {
  location: string;
  chPort?: number;
  /** The DuckDB file, for the legs that copy it (fresh data). */
  duckdbFile?: string;
  version: () => Promise<string>;
  stop(): Promise<void>;
}

/** A throw-away store of the given kind; `stop` removes it. */
export async function openBenchStore(kind: 'duckdb' | 'clickhouse' | 'chdb'): Promise<BenchStore> {
  if (kind === 'chdb') {
    // In-process: the CLI's import, `callstats serve` and the whole-store step each hold the directory in
    // turn, in their own process, as a DuckDB file is held.
    const dir = mkdtempSync(join(tmpdir(), 'callstats-bench-chdb-'));
    return {
      location: `chdb:${join(dir, 'store')}`,
      // Asked in a child process on its own directory, so this process never holds the store's.
      version: async () => {
        const probe = mkdtempSync(join(tmpdir(), 'callstats-bench-chdb-version-'));
        try {
          const code = `const { createClient } = require('@clickhouse/client'); const { createChdbConnection } = require('chdb/connection');
const c = createClient({ connection: createChdbConnection({ path: ${JSON.stringify(probe)} }) });
c.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' }).then((r) => r.json()).then((rows) => { process.stdout.write(rows[0].v); return c.close(); });`;
          return execFileSync(process.execPath, ['-e', code], { cwd: process.cwd(), encoding: 'utf8' }).trim();
        } finally {
          rmSync(probe, { recursive: true, force: true });
        }
      },
      async stop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (kind === 'duckdb') {
    const dir = mkdtempSync(join(tmpdir(), 'callstats-bench-duckdb-'));
    return {
      location: `duckdb:${join(dir, 'bench.duckdb')}`,
      duckdbFile: join(dir, 'bench.duckdb'),
      version: async () => {
        const { DuckDBInstance } = await import('@duckdb/node-api');
        const db = await DuckDBInstance.create(':memory:');
        const conn = await db.connect();
        const v = (await (await conn.run('SELECT version() AS v')).getRows())[0][0];
        conn.closeSync();
        return String(v);
      },
      async stop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  log('clickhouse: starting a throw-away single server');
  const ch = await startClickHouse();
  return {
    location: `clickhouse://127.0.0.1:${ch.httpPort}/callstats_bench`,
    chPort: ch.httpPort,
    version: async () => (await (await fetch(`${ch.url}/?query=${encodeURIComponent('SELECT version()')}`)).text()).trim(),
    stop: () => ch.stop(),
  };
}
