import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import type { Call } from '../../src/core/call.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import { freshStore } from '../helpers/store.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { call } from '../helpers/call.js';

const ACCOUNT = 'acct00000000000000000000000000a1';
const T0 = Date.UTC(2024, 0, 1) / 1000;
const SEEDED = 20_000;
const BATCH = 1_000;
const BATCHES_PER_ROUND = 5;
const ROUNDS = 12;
const POLLERS = 4;

function seedCall(i: number): Call {
  return call({
    account_id: ACCOUNT,
    call_id: `seed${i}`,
    call_time: T0 + i * 60,
    call_direction: 'outbound',
    duration_seconds: i % 97,
    billing_seconds: i % 50,
    unanswered: i % 50 === 0,
  });
}

describe('read your writes on the embedded store', () => {
  let f: Awaited<ReturnType<typeof freshStore>>;
  let store: DuckDBStore;
  let app: FastifyInstance;
  let token: string;
  const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' });

  async function start(): Promise<void> {
    store = new DuckDBStore(f.path, { memoryLimit: '512MB' });
    await store.init();
    app = await buildApp({ store, zones: await ZoneService.open(store, undefined), config });
  }
  async function restart(): Promise<void> {
    await app.close();
    await store.close();
    await start();
  }

  before(async () => {
    f = await freshStore();
    for (let i = 0; i < SEEDED; i += 10_000) {
      await f.store.insertCalls(Array.from({ length: 10_000 }, (_, k) => seedCall(i + k)));
    }
    token = (await createApiKey(f.store, '*', 'ryw')).token;
    await f.store.close();
    await start();
  });
  after(async () => {
    await app.close();
    await store.close();
    await f.cleanup();
  });

  /** Unfiltered monthly total over every bucket, as a dashboard polls it. */
  async function monthlyTotal(): Promise<number> {
    const res = await app.inject({
      method: 'GET',
      url: `/v2/accounts/${ACCOUNT}/call_statistics/monthly`,
      headers: { 'x-auth-token': token },
    });
    assert.equal(res.statusCode, 200, res.body);
    const data = res.json().data as Record<string, { total: number }>;
    return Object.values(data).reduce((n, b) => n + b.total, 0);
  }

  test('every answer counts every acknowledged call, over pooled connections, compactions and restarts', async () => {
    let acked = SEEDED;
    let sent = SEEDED;
    let serial = 0;
    let answers = 0;
    const stale: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // :TRICKY: the restart matters: DuckDB plans from the statistics it read from the file, and
      // every batch lands after the newest stored call, outside the range known at planning.
      if (round % 4 === 2) await restart();
      let ingesting = true;
      const ingest = (async () => {
        try {
          for (let b = 0; b < BATCHES_PER_ROUND; b++) {
            const cdrs = Array.from({ length: BATCH }, () => {
              const n = serial++;
              return kazooCdr(`live${n}`, T0 + SEEDED * 60 + n * 97);
            });
            sent += BATCH;
            const res = await app.inject({
              method: 'POST',
              url: `/v2/accounts/${ACCOUNT}/call_statistics/cdrs`,
              headers: { 'x-auth-token': token, 'content-type': 'application/json' },
              payload: JSON.stringify({ data: cdrs }),
            });
            assert.equal(res.statusCode, 200, res.body);
            assert.equal(res.json().data.accepted, BATCH);
            acked += BATCH;
          }
        } finally {
          ingesting = false;
        }
      })();
      const poll = async () => {
        do {
          const floor = acked;
          const [total, count] = await Promise.all([monthlyTotal(), store.countCalls()]);
          const ceiling = sent;
          answers++;
          for (const [what, n] of [
            ['monthly total', total],
            ['countCalls', count],
          ] as const) {
            if (n < floor || n > ceiling) stale.push(`round ${round}: ${what} ${n}, acknowledged ${floor}..${ceiling}`);
          }
        } while (ingesting);
      };
      // Compaction replaces the calls table under the pollers and the writer.
      const compact = round % 4 === 1 ? store.compact() : Promise.resolve();
      await Promise.all([ingest, compact, ...Array.from({ length: POLLERS }, poll)]);
      // Once the writer is quiet, every connection in the pool answers the exact count.
      const settled = await Promise.all(Array.from({ length: POLLERS * 2 }, monthlyTotal));
      assert.deepEqual(settled, Array(POLLERS * 2).fill(acked), `round ${round} after ingest`);
    }
    assert.deepEqual(stale, [], `${stale.length} of ${answers} answers missed acknowledged calls`);
    assert.ok(answers >= ROUNDS * POLLERS, `polled ${answers} times`);
    assert.equal(await monthlyTotal(), SEEDED + ROUNDS * BATCHES_PER_ROUND * BATCH);
    await restart();
    assert.equal(await monthlyTotal(), SEEDED + ROUNDS * BATCHES_PER_ROUND * BATCH);
  });
});
