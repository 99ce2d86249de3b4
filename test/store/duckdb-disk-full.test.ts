import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import type { Call } from '../../src/core/call.js';
import { CallstatsError } from '../../src/core/errors.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import { freshStore } from '../helpers/store.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { call as baseCall } from '../helpers/call.js';

const ACCOUNT = 'acctFull';
const HTTP_ACCOUNT = 'acct00000000000000000000000000a1';
const BATCH = 2000;
/** DuckDB checkpoints once the WAL passes 16 MB (its default checkpoint_threshold). */
const WAL_NEAR_CHECKPOINT = 15.5 * 1024 * 1024;

function call(id: string, i: number): Call {
  return baseCall({
    account_id: ACCOUNT,
    call_id: id,
    call_time: 1_700_000_000 + i,
    call_direction: i % 2 ? 'inbound' : 'outbound',
    // Text that does not compress away, so the WAL and the file grow as they would in production.
    caller_id_name: `caller ${(i * 2654435761) % 4294967296}`,
    caller_id_number: `+64${100000000 + ((i * 40503) % 899999999)}`,
    duration_seconds: i % 1000,
    billing_seconds: i % 77,
    unanswered: i % 77 === 0,
  });
}

function batch(name: string, from: number): Call[] {
  return Array.from({ length: BATCH }, (_, k) => call(`${name}-${k}`, from + k));
}

describe('DuckDB on a disk that fills', () => {
  let mountDir: string;
  let path: string;
  let store: DuckDBStore;
  let acked = 0;
  let serial = 0;

  const filler = () => join(mountDir, 'filler');
  const free = () => {
    const s = statfsSync(mountDir);
    return s.bavail * s.bsize;
  };
  /** Fills the disk but for `leave` bytes. */
  const fill = (leave: number) => writeFileSync(filler(), Buffer.alloc(Math.max(0, free() - leave)));
  const unfill = () => rmSync(filler(), { force: true });

  /** Stores batches until one fails; returns the failed batch and its error. */
  async function insertUntilFull(limit = 400): Promise<{ failed: Call[]; err: CallstatsError }> {
    for (let b = 0; b < limit; b++) {
      const calls = batch(`b${serial}`, serial++ * BATCH);
      try {
        const r = await store.insertCalls(calls);
        assert.deepEqual(r, { inserted: BATCH, duplicates: 0 });
        acked += r.inserted;
      } catch (err) {
        assert.ok(err instanceof CallstatsError, `a coded error, not ${String(err)}`);
        return { failed: calls, err };
      }
    }
    assert.fail(`the disk never filled (${free()} bytes free)`);
  }

  async function storedOf(calls: readonly Call[]): Promise<number> {
    const [row] = await store.all({
      sql: 'SELECT count(*) AS n FROM calls WHERE account_id = $1 AND call_id >= $2 AND call_id <= $3',
      params: [ACCOUNT, calls[0].call_id, calls[calls.length - 1].call_id],
    });
    return Number(row.n);
  }

  /** all, stream and streamText each answer the acknowledged count exactly. */
  async function readsAnswer(): Promise<void> {
    assert.equal(await store.countCalls(ACCOUNT), acked, 'all');
    let streamed = 0;
    for await (const _ of store.stream({ sql: 'SELECT call_id FROM calls WHERE account_id = $1', params: [ACCOUNT] })) streamed++;
    assert.equal(streamed, acked, 'stream');
    let lines = 0;
    for await (const text of store.streamText({ sql: `SELECT call_id || chr(10) FROM calls WHERE account_id = $1`, params: [ACCOUNT] })) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    }
    assert.equal(lines, acked, 'streamText');
  }

  before(async () => {
    const f = await freshStore();
    await f.store.close();
    mountDir = mkdtempSync(join(tmpdir(), 'callstats-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mountDir]);
    path = join(mountDir, 'callstats.duckdb');
    copyFileSync(f.path, path);
    await f.cleanup();
    store = new DuckDBStore(path, { memoryLimit: '256MB', queryTimeoutMs: 20_000 });
    await store.init();
    for (let i = 0; i < 3; i++) acked += (await store.insertCalls(batch(`base${i}`, -(i + 1) * BATCH))).inserted;
  });
  after(async () => {
    await store?.close();
    if (mountDir) {
      execFileSync('umount', [mountDir]);
      rmSync(mountDir, { recursive: true, force: true });
    }
  });

  test('a WAL write that finds no room is a 507; reads answer; the next write after freeing space succeeds', async () => {
    fill(512 * 1024);
    const { failed, err } = await insertUntilFull();
    assert.equal(err.status, 507);
    assert.equal(err.code, 'ERR_STORE_FULL');
    assert.match(String(err.data.store), /No space left on device/);
    assert.equal(await storedOf(failed), 0, 'the failed batch is not half-stored');
    await readsAnswer();
    await assert.rejects(store.insertCalls(batch('still-full', 10_000_000)), { status: 507 });
    await readsAnswer();
    unfill();
    assert.deepEqual(await store.insertCalls(failed), { inserted: BATCH, duplicates: 0 });
    acked += BATCH;
    await readsAnswer();
  });

  test('a checkpoint that finds no room invalidates DuckDB: 507, the store reopens itself, reads answer, writes resume', async (t) => {
    unfill();
    // Grow the WAL to just under DuckDB's checkpoint threshold with room to spare, then leave too
    // little room for the checkpoint the next commits trigger (WAL entries still fit).
    // A checkpoint (the last test's writes may have passed the threshold) leaves no WAL file: size 0.
    const walSize = () => (existsSync(`${path}.wal`) ? statSync(`${path}.wal`).size : 0);
    while (walSize() < WAL_NEAR_CHECKPOINT) {
      acked += (await store.insertCalls(batch(`b${serial}`, serial++ * BATCH))).inserted;
    }
    fill(1.5 * 1024 * 1024);
    store.lastReopenMs = undefined;
    const { failed, err } = await insertUntilFull();
    assert.equal(err.status, 507, JSON.stringify(err.data));
    assert.equal(err.code, 'ERR_STORE_FULL');
    assert.ok(store.lastReopenMs !== undefined, `the invalidated instance was reopened (${JSON.stringify(err.data)})`);
    const reopenMs = store.lastReopenMs;
    assert.equal(await storedOf(failed), 0, 'the failed batch is not half-stored');
    await readsAnswer();
    // A write that invalidates the instance while reads run: every read still answers exactly.
    const [write, ...reads] = await Promise.allSettled([
      store.insertCalls(batch('concurrent', 20_000_000)),
      ...Array.from({ length: 6 }, () => store.countCalls(ACCOUNT)),
    ]);
    assert.equal(write.status, 'rejected');
    assert.equal((write as PromiseRejectedResult).reason.status, 507);
    assert.deepEqual(
      reads.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))),
      Array(6).fill(acked),
    );
    // One call past the checkpoint threshold: DuckDB may keep it (the WAL write worked and only the
    // checkpoint after it failed: "COMMIT succeeded and is durable") or refuse it; either way the
    // answer must say what happened.
    store.lastReopenMs = undefined;
    try {
      assert.deepEqual(await store.insertCalls([call('one-more', 0)]), { inserted: 1, duplicates: 0 });
      acked += 1;
      t.diagnostic(
        `a single call while full was stored${store.lastReopenMs === undefined ? '' : ' (durable commit, checkpoint failed, reopened)'}`,
      );
    } catch (e) {
      assert.equal((e as CallstatsError).status, 507);
      t.diagnostic('a single call while full was refused with 507');
    }
    await readsAnswer();
    await assert.rejects(store.compact(), { status: 507 });
    await readsAnswer();
    unfill();
    assert.deepEqual(await store.insertCalls(failed), { inserted: BATCH, duplicates: 0 });
    acked += BATCH;
    await readsAnswer();
    assert.equal((await store.compact()).rows, acked);
    await store.close();
    store = new DuckDBStore(path, { memoryLimit: '256MB', queryTimeoutMs: 20_000 });
    await store.init();
    await readsAnswer();
    t.diagnostic(`reopen after a failed checkpoint took ${reopenMs} ms (WAL ~16 MB)`);
  });

  test('over HTTP a full disk is a 507 in the Kazoo envelope, then 200 once space is freed, counts exact', async () => {
    unfill();
    const token = (await createApiKey(store, '*', 'full')).token;
    const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' });
    const app: FastifyInstance = await buildApp({ store, zones: await ZoneService.open(store, undefined), config });
    try {
      const post = (attempt: number) =>
        app.inject({
          method: 'POST',
          url: `/v2/accounts/${HTTP_ACCOUNT}/call_statistics/cdrs`,
          headers: { 'x-auth-token': token, 'content-type': 'application/json' },
          payload: JSON.stringify({
            data: Array.from({ length: 3000 }, (_, i) =>
              kazooCdr(`http-${attempt}-${i}`, 1_700_000_000 + i, { caller_id_name: `n${i * 7919}` }),
            ),
          }),
        });
      let accepted = 0;
      let attempt = 0;
      fill(64 * 1024);
      let res = await post(attempt);
      // What was left may hold a request or two; fill again until one cannot fit.
      while (res.statusCode === 200 && attempt < 20) {
        assert.equal(res.json().data.accepted, 3000);
        accepted += 3000;
        fill(0);
        res = await post(++attempt);
      }
      assert.equal(res.statusCode, 507, res.body);
      const body = res.json();
      assert.equal(body.status, 'error');
      assert.equal(body.error, '507');
      assert.equal(body.message, 'store out of disk space');
      assert.match(body.data.store, /No space left on device/);
      assert.equal(await store.countCalls(HTTP_ACCOUNT), accepted, 'nothing of the refused request was stored');
      const stats = await app.inject({
        method: 'GET',
        url: `/v2/accounts/${HTTP_ACCOUNT}/call_statistics/monthly`,
        headers: { 'x-auth-token': token },
      });
      assert.equal(stats.statusCode, 200, 'statistics answer while the disk is full');
      unfill();
      const ok = await post(attempt);
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual([ok.json().data.accepted, ok.json().data.duplicates], [3000, 0]);
      assert.equal(await store.countCalls(HTTP_ACCOUNT), accepted + 3000);
    } finally {
      await app.close();
    }
  });
});
