import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runPull, type PullCliOptions } from '../../src/cli/pull.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { freshStore } from '../helpers/store.js';
import { GREGORIAN, startCrossbarStandin, type CrossbarStandin, type StandinCdr } from '../helpers/crossbar-standin.js';

// There is no Kazoo to install here: these tests run against test/helpers/crossbar-standin.ts, which
// follows the paging and envelope of crossbar's documented `/cdrs` API.
const TOKEN = 'standin-token';
const RESELLER = 'a'.repeat(32);
const CHILDREN = ['b'.repeat(32), 'c'.repeat(32)];
const FROM = Date.UTC(2026, 9, 1) / 1000;
const TO = Date.UTC(2026, 9, 31) / 1000;

function cdrs(account: string, count: number): StandinCdr[] {
  return Array.from({ length: count }, (_, i) => {
    const duration = 5 + (i % 60);
    const hangup = FROM + Math.floor((i * (TO - FROM - 120)) / count) + duration;
    return {
      id: `${account.slice(0, 4)}-${i}`,
      call_id: `${account.slice(0, 4)}-call-${i}`,
      timestamp: hangup + GREGORIAN,
      duration_seconds: duration,
      billing_seconds: i % 5 === 0 ? 0 : duration - 2,
      call_direction: i % 2 ? 'inbound' : 'outbound',
      caller_id_number: '+6434123456',
      callee_id_number: '+61412345678',
    };
  });
}

let standin: CrossbarStandin;
before(async () => {
  standin = await startCrossbarStandin({
    token: TOKEN,
    cdrs: Object.fromEntries([RESELLER, ...CHILDREN].map((a) => [a, cdrs(a, 10_000)])),
    descendants: { [RESELLER]: CHILDREN },
  });
});
after(async () => {
  await standin?.stop();
});

function options(db: Awaited<ReturnType<typeof freshStore>>, extra: Partial<PullCliOptions> = {}): PullCliOptions {
  return {
    store: db.store,
    zones: db.zones,
    kazoo: standin.url,
    token: TOKEN,
    account: RESELLER,
    descendants: true,
    from: '2026-10-01',
    to: '2026-10-31',
    stateFile: join(db.dir, 'pull-state.json'),
    json: true,
    ...extra,
  };
}

async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await f();
  } finally {
    process.stdout.write = write;
  }
}

test('pull --descendants backfills 3 accounts × 10,000 CDRs exactly; a second run fetches and stores nothing new', async () => {
  const db = await freshStore();
  const first = await quietly(() => runPull(options(db)));
  assert.equal(first.code, 0);
  assert.deepEqual(
    first.summary.accounts.map((a) => [a.account, a.records, a.accepted, a.duplicates, a.rejected]),
    [RESELLER, ...CHILDREN].map((a) => [a, 10_000, 10_000, 0, 0]),
  );
  for (const a of [RESELLER, ...CHILDREN]) assert.equal(await db.store.countCalls(a), 10_000);
  const before = standin.requests.cdrs;
  const second = await quietly(() => runPull(options(db)));
  assert.equal(second.summary.accepted, 0);
  assert.equal(second.summary.pages, 0);
  assert.equal(standin.requests.cdrs, before);
  assert.deepEqual(
    second.summary.accounts.map((a) => a.windowsSkipped),
    [30, 30, 30],
  );
  // Without the state file, everything is fetched again and all of it is a duplicate.
  const fresh = await quietly(() => runPull(options(db, { stateFile: join(db.dir, 'other-state.json') })));
  assert.deepEqual([fresh.summary.accepted, fresh.summary.duplicates], [0, 30_000]);
  assert.equal(await db.store.countCalls(), 30_000);
  await db.cleanup();
});

test('a pull process killed mid-way resumes at its page: the count is exact and at most the page in flight is fetched twice', async () => {
  const db = await freshStore();
  await db.store.close();
  const pageSize = 100;
  const opts = {
    kazoo: standin.url,
    token: TOKEN,
    account: RESELLER,
    descendants: true,
    from: '2026-10-01',
    to: '2026-10-31',
    stateFile: join(db.dir, 'pull-state.json'),
    pageSize,
  };
  standin.delayMs = 15;
  const before = standin.requests.cdrs;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/feeds/fixtures/pull-child.ts', db.path, JSON.stringify(opts)], {
    stdio: 'ignore',
  });
  while (standin.requests.cdrs - before < 120) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  standin.delayMs = 0;

  const store = new DuckDBStore(db.path);
  await store.init();
  const storedAtKill = await store.countCalls();
  assert.ok(storedAtKill > 0 && storedAtKill < 30_000, `stored at kill: ${storedAtKill}`);
  const { ZoneService } = await import('../../src/zones/zone-service.js');
  const zones = await ZoneService.open(store, undefined);
  const resumed = await quietly(() => runPull({ ...opts, store, zones, json: true }));
  assert.equal(resumed.summary.accepted, 30_000 - storedAtKill);
  assert.ok(resumed.summary.duplicates <= pageSize, `duplicates on resume: ${resumed.summary.duplicates}`);
  assert.equal(await store.countCalls(), 30_000);
  await store.close();
  await db.cleanup().catch(() => undefined);
});

test('crossbar faults (503) are retried; a bad token is an error at once, naming the status', async () => {
  const db = await freshStore();
  standin.failNext = 2;
  const r = await quietly(() => runPull(options(db, { descendants: false, from: '2026-10-01', to: '2026-10-03' })));
  const inTwoDays = cdrs(RESELLER, 10_000).filter((c) => c.timestamp - GREGORIAN < FROM + 2 * 86_400).length;
  assert.equal(inTwoDays, 667);
  assert.equal(r.summary.accepted, 667);
  await assert.rejects(
    quietly(() => runPull(options(db, { token: 'wrong', stateFile: join(db.dir, 's2.json') }))),
    (err: Error & { data?: { kazoo?: { status?: number } } }) =>
      err.data?.kazoo?.status === 401 && /HTTP 401: invalid credentials/.test(err.message),
  );
  await db.cleanup();
});
