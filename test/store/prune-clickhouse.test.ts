import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ingestRecords } from '../../src/ingest/index.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { startClickHouse, startClickHouseCluster } from '../helpers/clickhouse-server.js';
import { kazooCdr } from '../helpers/cdrs.js';

/** Retention on ClickHouse (18.16): `ALTER TABLE … DELETE` on every server, calls and their ids alike. */

const A = 'a0000000000000000000000000000001';
const B = 'b0000000000000000000000000000002';
const T0 = Date.UTC(2025, 0, 1) / 1000;
const PER_ACCOUNT = 3000;
const STEP = 3600; // one call an hour: 3,000 calls span four months, several partitions
const CUT = T0 + 1000 * STEP;

function docs(account: string, from = 0, to = PER_ACCOUNT) {
  return Array.from({ length: to - from }, (_, k) => ({
    index: k,
    doc: kazooCdr(`${account.slice(0, 1)}${from + k}`, T0 + (from + k) * STEP, { custom_channel_vars: { account_id: account } }),
  }));
}

async function store(store: ClickHouseStore, batch: { index: number; doc: unknown }[]) {
  return ingestRecords(
    (async function* () {
      yield batch;
    })(),
    { store, zoneOf: () => null },
  );
}

for (const layout of ['one server', 'a two-shard cluster'] as const) {
  describe(`prune on ClickHouse: ${layout}`, () => {
    let ch: ClickHouseStore;
    let stop: () => Promise<void>;
    before(async () => {
      if (layout === 'one server') {
        const server = await startClickHouse();
        stop = () => server.stop();
        ch = new ClickHouseStore(`clickhouse://127.0.0.1:${server.httpPort}/callstats`);
      } else {
        const cluster = await startClickHouseCluster();
        stop = () => cluster.stop();
        const hosts = cluster.urls.map((u) => new URL(u).host);
        ch = new ClickHouseStore(`clickhouse://${hosts[0]}/callstats?cluster=${cluster.cluster}&hosts=${hosts.join(',')}`);
      }
      await ch.init();
      for (const account of [A, B]) assert.equal((await store(ch, docs(account))).accepted, PER_ACCOUNT);
    });
    after(async () => {
      await ch.close();
      await stop();
    });

    test('--dry-run counts, deletes nothing', async () => {
      const r = await ch.prune(CUT, A, true);
      assert.deepEqual([r.deleted, r.dryRun], [1000, true]);
      assert.equal(await ch.countCalls(A), PER_ACCOUNT);
    });

    test("one account's calls before the cut go; the other's stay; a pruned call can be stored again", async () => {
      const r = await ch.prune(CUT, A);
      assert.equal(r.deleted, 1000);
      assert.equal(typeof r.bytesBefore, 'number');
      assert.deepEqual([await ch.countCalls(A), await ch.countCalls(B)], [2000, PER_ACCOUNT]);
      const [first] = await ch.all({ sql: `SELECT min(call_time) AS t FROM calls WHERE account_id = '${A}'`, params: [] });
      assert.equal(Number(first.t), CUT);
      // Its id went from call_ids too: re-sent, it is new again, not a duplicate.
      const again = await store(ch, docs(A, 0, 10));
      assert.deepEqual([again.accepted, again.duplicates], [10, 0]);
      assert.equal(await ch.countCalls(A), 2010);
    });

    test('without an account every account is cut', async () => {
      const r = await ch.prune(CUT);
      assert.equal(r.deleted, 1010);
      assert.deepEqual([await ch.countCalls(A), await ch.countCalls(B)], [2000, 2000]);
      assert.equal((await ch.prune(CUT)).deleted, 0);
    });
  });
}
