import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kazooCdr } from '../helpers/cdrs.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';

// `callstats import` is a batch job: its store calls are bounded by CALLSTATS_IMPORT_TIMEOUT
// (default 600 s), not by the per-request CALLSTATS_QUERY_TIMEOUT that made a whole import fail
// when one batch's commit passed 30 s on a loaded machine. Its own limit still ends it, named.
const dir = mkdtempSync(join(tmpdir(), 'callstats-import-timeout-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2024, 5, 1) / 1000;
const file = join(dir, 'cdrs.json');
writeFileSync(file, JSON.stringify(Array.from({ length: 500 }, (_, i) => kazooCdr(`t${i}`, T0 + i * 60))));

async function importWith(store: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'import', '--json', '--store', `duckdb:${store}`, file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const [code] = await once(child, 'close');
  return { code: code as number, out };
}
async function count(store: string): Promise<number> {
  const s = new DuckDBStore(store);
  await s.init();
  try {
    return await s.countCalls();
  } finally {
    await s.close();
  }
}

test('a request-sized CALLSTATS_QUERY_TIMEOUT does not bound an import', async () => {
  const store = join(dir, 'a.duckdb');
  const r = await importWith(store, { CALLSTATS_QUERY_TIMEOUT: '0.001' });
  assert.equal(r.code, 0, r.out);
  assert.equal(JSON.parse(r.out).accepted, 500);
  assert.equal(await count(store), 500);
});

test('CALLSTATS_IMPORT_TIMEOUT bounds it, the error names that setting, and no half batch is stored', async () => {
  const store = join(dir, 'b.duckdb');
  const r = await importWith(store, { CALLSTATS_IMPORT_TIMEOUT: '0.001' });
  assert.equal(r.code, 3, r.out);
  const err = JSON.parse(r.out.trim().split('\n').at(-1)!);
  assert.equal(err.error, 'ERR_STORE_TIMEOUT');
  assert.equal(err.data.store, 'no answer within 0.001 s (CALLSTATS_IMPORT_TIMEOUT)');
  assert.equal(await count(store), 0);
});
