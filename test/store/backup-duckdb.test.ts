import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { parseStoreLocation, writeServerHandle } from '../../src/store/open-store.js';
import { freshStore } from '../helpers/store.js';
import { kazooCdr } from '../helpers/cdrs.js';

/** `callstats backup` of a serving store is a consistent snapshot (an acknowledged prefix of the ingest), and `restore` puts it back. */

const ACCOUNT = 'bac0000000000000000000000000000a';
const BATCH = 500;
const T0 = Date.UTC(2026, 2, 1) / 1000;
const TOKEN = 'backup-control-token-0123456789';

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Calls per batch number stored in the DuckDB file at `path`, opened after the fact. */
async function batchesIn(path: string): Promise<{ calls: number; batches: number[] }> {
  const s = new DuckDBStore(path);
  await s.init();
  try {
    const rows = await s.all({
      sql: `SELECT CAST(split_part(call_id, '-', 1) AS INTEGER) AS b, count(*) AS n FROM calls WHERE account_id = $1 GROUP BY b ORDER BY b`,
      params: [ACCOUNT],
    });
    for (const r of rows) assert.equal(Number(r.n), BATCH, `batch ${r.b} is whole`);
    return { calls: await s.countCalls(), batches: rows.map((r) => Number(r.b)) };
  } finally {
    await s.close();
  }
}

describe('backup and restore of the embedded store', () => {
  let fresh: Awaited<ReturnType<typeof freshStore>>;
  let app: FastifyInstance;
  let url: string;
  let apiKey: string;
  let removeHandle = () => undefined as void;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'callstats-backup-'));
  const restored = join(dir, 'restored', 'callstats.duckdb');

  before(async () => {
    fresh = await freshStore();
    env = { CALLSTATS_STORE: `duckdb:${fresh.path}` };
    const config = loadConfig({ ...env, CALLSTATS_RATE_LIMIT: '0' });
    app = await buildApp({ store: fresh.store, zones: fresh.zones, config, controlToken: TOKEN });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    removeHandle = writeServerHandle(parseStoreLocation(env.CALLSTATS_STORE), {
      url,
      controlToken: TOKEN,
      pid: process.pid,
      dialect: 'duckdb',
    });
    apiKey = (await createApiKey(fresh.store, '*')).token;
  });
  after(async () => {
    removeHandle();
    await app.close();
    await fresh.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const ingest = async (b: number) => {
    const data = Array.from({ length: BATCH }, (_, i) =>
      kazooCdr(`${b}-${i}`, T0 + b * BATCH + i, { custom_channel_vars: { account_id: ACCOUNT } }),
    );
    const res = await fetch(`${url}/v2/accounts/${ACCOUNT}/call_statistics/cdrs`, {
      method: 'POST',
      headers: { 'x-auth-token': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ data }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(((await res.json()) as { data: { accepted: number } }).data.accepted, BATCH);
  };

  test('a backup taken while ingest runs holds exactly the batches acknowledged by some moment during it', async () => {
    let acked = 0;
    let stop = false;
    const ingesting = (async () => {
      while (!stop) await ingest(acked).then(() => acked++);
    })();
    while (acked < 3) await new Promise((r) => setTimeout(r, 5));
    const ackedBefore = acked;
    const r = await cli(['backup', join(dir, 'b1'), '--json'], env);
    const ackedAfter = acked;
    while (acked < ackedAfter + 2) await new Promise((r2) => setTimeout(r2, 5));
    stop = true;
    await ingesting;
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.files, ['callstats.duckdb', 'callstats-backup.json']);
    assert.deepEqual(readdirSync(join(dir, 'b1')).sort(), ['callstats-backup.json', 'callstats.duckdb']);

    const res = await cli(['restore', join(dir, 'b1'), '--store', `duckdb:${restored}`, '--json'], env);
    assert.equal(res.code, 0, res.stderr);
    const got = await batchesIn(restored);
    const k = got.batches.length;
    // A prefix: batches 0 … k-1, each whole, k between what was acknowledged before and (one in flight) after.
    assert.deepEqual(
      got.batches,
      Array.from({ length: k }, (_, i) => i),
    );
    assert.ok(k >= ackedBefore && k <= ackedAfter + 1, `${ackedBefore} ≤ ${k} ≤ ${ackedAfter + 1}`);
    assert.equal(out.calls, k * BATCH);
    assert.equal(JSON.parse(res.stdout).calls, k * BATCH);
    assert.equal(await fresh.store.countCalls(ACCOUNT), acked * BATCH);
  });

  test('restore refuses a store that holds data without --force, and replaces it with --force', async () => {
    const again = await cli(['restore', join(dir, 'b1'), '--store', `duckdb:${restored}`], env);
    assert.equal(again.code, 2);
    assert.equal(again.stderr, `callstats: ${restored} holds calls, keys or webhook tokens; restore replaces it only with --force\n`);
    const forced = await cli(['restore', join(dir, 'b1'), '--store', `duckdb:${restored}`, '--force', '--json'], env);
    assert.equal(forced.code, 0, forced.stderr);
  });

  test('restore refuses the file a server holds; backup refuses a directory that is not empty', async () => {
    const held = await cli(['restore', join(dir, 'b1'), '--json'], env);
    assert.equal(held.code, 3, held.stderr);
    assert.equal(JSON.parse(held.stderr).error, 'ERR_STORE_LOCKED');
    const notEmpty = await cli(['backup', dir, '--json'], env);
    assert.equal(notEmpty.code, 2);
    // Through the server the code travels in the answer's x-callstats-error header: the same code
    // as a backup taken directly.
    const err = JSON.parse(notEmpty.stderr);
    assert.deepEqual([err.error, err.message], ['ERR_BACKUP', `backup directory ${dir} is not empty`]);
  });

  test('a backup of a store nobody serves is taken directly; a ClickHouse store is sent to its own tools', async () => {
    const direct = await cli(['backup', join(dir, 'b2'), '--store', `duckdb:${restored}`, '--json'], env);
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(JSON.parse(direct.stdout).calls, (await batchesIn(restored)).calls);
    const ch = await cli(['backup', join(dir, 'b3'), '--store', 'clickhouse://127.0.0.1:1/callstats', '--json'], env);
    assert.equal(ch.code, 2);
    const err = JSON.parse(ch.stderr);
    assert.equal(err.error, 'ERR_NOT_SUPPORTED');
    assert.match(err.message, /ClickHouse's own tools \(docs\/clickhouse\.md/);
  });
});
