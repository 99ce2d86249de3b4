import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/core/config.js';
import { ingestRecords } from '../../src/ingest/index.js';
import { storeBytes } from '../../src/store/duckdb/prune.js';
import { parseStoreLocation, writeServerHandle } from '../../src/store/open-store.js';
import { freshStore } from '../helpers/store.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kazooCdr } from '../helpers/cdrs.js';

/** Retention on the embedded store: `prune` deletes exactly the calls before the cut and the file shrinks. */

const A = 'a0000000000000000000000000000001';
const B = 'b0000000000000000000000000000002';
const T0 = Date.UTC(2025, 0, 1) / 1000;
const PER_ACCOUNT = 50_000;
const STEP = 60; // one call a minute: 50,000 calls span ~35 days
const CUT = T0 + 30_000 * STEP; // 30,000 calls of each account start before it

/** A call whose values differ from its neighbours', so the columns do not compress to nothing. */
function varied(account: string, i: number): Record<string, unknown> {
  return kazooCdr(`${account.slice(0, 1)}-${i}-${(i * 2654435761) % 4294967296}`, T0 + i * STEP, {
    custom_channel_vars: { account_id: account },
    caller_id_number: `+643${String((i * 7919) % 10_000_000).padStart(7, '0')}`,
    callee_id_number: `+614${String((i * 104729) % 100_000_000).padStart(8, '0')}`,
    caller_id_name: `Caller ${(i * 31) % 5000}`,
    duration_seconds: String((i * 37) % 3600),
    billing_seconds: String((i * 37) % 3500),
  });
}

async function fill(store: Parameters<typeof ingestRecords>[1]['store'], zoneOf: (n: string | null) => number | null): Promise<void> {
  for (const account of [A, B]) {
    const r = await ingestRecords(
      (async function* () {
        for (let i = 0; i < PER_ACCOUNT; i += 10_000) {
          yield Array.from({ length: 10_000 }, (_, k) => ({
            index: i + k,
            doc: varied(account, i + k),
          }));
        }
      })(),
      { store, zoneOf, batchSize: 50_000 },
    );
    assert.equal(r.accepted, PER_ACCOUNT);
  }
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('prune on DuckDB', () => {
  // A store without the zone table (7.6 MB of the file otherwise), so the calls are most of it.
  const fresh = { dir: mkdtempSync(join(tmpdir(), 'callstats-prune-')), path: '', store: undefined as unknown as DuckDBStore };
  before(async () => {
    fresh.path = join(fresh.dir, 'calls.duckdb');
    fresh.store = new DuckDBStore(fresh.path);
    await fresh.store.init();
    await fill(fresh.store, () => null);
  });
  after(async () => {
    await fresh.store.close();
    rmSync(fresh.dir, { recursive: true, force: true });
  });

  test('--dry-run counts the calls before the cut and deletes none', async () => {
    const r = await fresh.store.prune(CUT, A, true);
    assert.deepEqual([r.deleted, r.dryRun], [30_000, true]);
    assert.equal(await fresh.store.countCalls(A), PER_ACCOUNT);
  });

  test("one account's calls before the cut go, the other account's stay, and the file shrinks", async (t) => {
    // Compacted first, so the size before is a checkpointed, sorted file and not an ingest's WAL.
    await fresh.store.compact();
    const before = storeBytes(fresh.path);
    const r = await fresh.store.prune(CUT, A);
    assert.equal(r.deleted, 30_000);
    assert.equal(r.bytesBefore, before);
    assert.equal(r.bytesAfter, storeBytes(fresh.path));
    assert.deepEqual([await fresh.store.countCalls(A), await fresh.store.countCalls(B)], [20_000, PER_ACCOUNT]);
    const [first] = await fresh.store.all({ sql: 'SELECT min(call_time) AS t FROM calls WHERE account_id = $1', params: [A] });
    assert.equal(Number(first.t), CUT);
    // 30% of the calls went: the file gives back at least 15% of its size (DuckDB allocates in 256 KiB blocks).
    t.diagnostic(`file ${before} → ${r.bytesAfter} bytes`);
    assert.ok(r.bytesAfter! < before * 0.85, `${before} → ${r.bytesAfter}`);
  });

  test('without --account every account is cut; a second prune finds nothing', async () => {
    const r = await fresh.store.prune(CUT);
    assert.equal(r.deleted, 30_000);
    assert.deepEqual([await fresh.store.countCalls(A), await fresh.store.countCalls(B)], [20_000, 20_000]);
    assert.equal((await fresh.store.prune(CUT)).deleted, 0);
  });
});

describe('callstats prune through a running server', () => {
  let fresh: Awaited<ReturnType<typeof freshStore>>;
  let app: FastifyInstance;
  let removeHandle = () => undefined as void;
  let env: Record<string, string>;
  before(async () => {
    fresh = await freshStore();
    await fill(fresh.store, fresh.zones.zoneOf);
    env = { CALLSTATS_STORE: `duckdb:${fresh.path}` };
    const config = loadConfig({ ...env, CALLSTATS_RATE_LIMIT: '0' });
    app = await buildApp({ store: fresh.store, zones: fresh.zones, config, controlToken: 'prune-control-token-0123456789' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    removeHandle = writeServerHandle(parseStoreLocation(env.CALLSTATS_STORE), {
      url: `http://127.0.0.1:${port}`,
      controlToken: 'prune-control-token-0123456789',
      pid: process.pid,
      dialect: 'duckdb',
    });
  });
  after(async () => {
    removeHandle();
    await app.close();
    await fresh.cleanup();
  });

  test('the server prunes its own file: exact counts in --json, the store agrees', async () => {
    const r = await cli(['prune', '--before', '2025-01-21T20:00:00Z', '--account', B, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.deleted, out.dryRun, out.before, out.account], [30_000, false, '2025-01-21T20:00:00Z', B]);
    assert.ok(out.bytesAfter <= out.bytesBefore, r.stdout);
    assert.deepEqual([await fresh.store.countCalls(A), await fresh.store.countCalls(B)], [PER_ACCOUNT, 20_000]);
  });

  test('a bad --before is a usage error naming the flag and the date order', async () => {
    const r = await cli(['prune', '--before', '00:00:00 01/13/2025'], env);
    assert.deepEqual(r, {
      code: 2,
      stdout: '',
      stderr:
        'callstats: --before: not a time: month 13 is out of range 1-12 — dates are read day-first (CALLSTATS_DATE_ORDER=dmy); for 13 January 2025 write ISO 2025-01-13T00:00:00\n',
    });
  });
});
