import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallstatsError } from '../../src/core/errors.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';

/** A list of 30M integers is ~240 MB that a list aggregate cannot spill: more than the limit allows. */
const TOO_BIG = { sql: 'SELECT len(list(range)) AS n FROM range(30000000)', params: [] };

let dir: string;
let store: DuckDBStore;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callstats-oom-'));
  store = new DuckDBStore(join(dir, 'oom.duckdb'), { memoryLimit: '32MB' });
  await store.init();
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a DuckDB query that needs more than CALLSTATS_DUCKDB_MEMORY is a 503 ERR_STORE_UNAVAILABLE naming the setting', async () => {
  const err = await store.all(TOO_BIG).then(
    () => assert.fail('the query fit in 32MB'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof CallstatsError, String(err));
  assert.equal(err.code, 'ERR_STORE_UNAVAILABLE');
  assert.equal(err.status, 503);
  assert.equal(err.message, 'store unavailable');
  assert.match(
    String(err.data.store),
    /^the embedded database ran out of memory \(raise CALLSTATS_DUCKDB_MEMORY, now 32MB\): Out of Memory Error: /,
  );
});

test('a streamed DuckDB read out of memory is the same 503, and the store answers the next query', async () => {
  const err = await (async () => {
    for await (const _row of store.stream(TOO_BIG)) void _row;
  })().then(
    () => assert.fail('the query fit in 32MB'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof CallstatsError, String(err));
  assert.equal(err.code, 'ERR_STORE_UNAVAILABLE');
  assert.equal(err.status, 503);
  assert.match(String(err.data.store), /CALLSTATS_DUCKDB_MEMORY/);
  assert.deepEqual(await store.all({ sql: 'SELECT 1 AS one', params: [] }), [{ one: 1 }]);
});
