/**
 * ClickHouse (one 18.16 server, ClickHouse 26.x in-process through chdb:, a two-shard cluster, and
 * 2 shards × 2 replicas with ZooKeeper) against the in-memory reference with the
 * engine-agnostic driver. Fewer queries than DuckDB's run: each is an HTTP round trip (or several).
 * The seed is printed so any failure can be replayed (CALLSTATS_TEST_SEED).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZoneService } from '../../src/zones/zone-service.js';
import { clickhouseLower } from '../../src/sql/clickhouse.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { chdbDir } from '../helpers/chdb.js';
import { startClickHouse, startClickHouseCluster, startReplicatedCluster } from '../helpers/clickhouse-server.js';
import { startZooKeeper } from '../helpers/zookeeper-server.js';
import { freshStore } from '../helpers/store.js';
import { runDifferential } from '../reference/differential-suite.js';
import { NAME_PARTS, testSeed } from '../reference/random.js';
import { refLower, type RefLowerCase } from '../reference/reference-filter.js';

const QUERIES = Number(process.env.CALLSTATS_DIFF_CH_QUERIES ?? 200);

/** 18.16 servers lower-case `ilike` text with their own `lowerUTF8`; 26.x (chdb:) as DuckDB does, `İ` made `i` on both (docs/filters.md). */
async function run(url: string, label: string, queries: number, lowerCase: RefLowerCase = 'clickhouse-18'): Promise<void> {
  const seed = testSeed(`differential clickhouse ${label}`);
  const duck = await freshStore();
  const store = new ClickHouseStore(url);
  try {
    await store.init();
    // The default zone table, with DuckDB's ids, so the reference and the store read the same zones.
    await store.saveZones(await duck.store.listZones());
    const zones = await ZoneService.open(store, undefined);
    const report = await runDifferential(store, zones, { seed, queries, lowerCase });
    assert.equal(
      report.failures.length,
      0,
      `${report.failures.length} mismatches, seed ${seed}; first:\n${report.failures.slice(0, 3).join('\n')}`,
    );
    assert.ok(report.nonEmpty >= queries / 4, `only ${report.nonEmpty} of ${queries} answers were non-empty`);
  } finally {
    await store.close();
    await duck.cleanup();
  }
}

/** Every character the generator writes (and the case flips of its patterns), and every letter below U+1000 with a lower case. */
function alphabet(): string[] {
  const chars = new Set<string>();
  for (const part of [...NAME_PARTS, 'İ', '😀', 'New Zealand'])
    for (const ch of [...part, ...part.toUpperCase(), ...part.toLowerCase()]) chars.add(ch);
  for (let cp = 0x41; cp < 0x1000; cp++) {
    const ch = String.fromCodePoint(cp);
    if (/\p{L}/u.test(ch) && ch.toLowerCase() !== ch) chars.add(ch);
  }
  return [...chars].filter((ch) => ch !== "'" && ch !== '\\' && ch !== '|');
}

test(`ClickHouse single server equals the reference on ${QUERIES} random queries`, { timeout: 600_000 }, async () => {
  const server = await startClickHouse();
  try {
    // The reference's 18.16 lower case (reference-filter.ts 'clickhouse-18') is the server's own,
    // as the dialect spells it (clickhouseLower).
    const chars = alphabet();
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/`, {
      method: 'POST',
      body: `SELECT ${clickhouseLower(`'${chars.join('|')}'`)}`,
    });
    assert.equal(res.status, 200);
    const lowered = (await res.text()).replace(/\n$/, '').split('|');
    assert.deepEqual(
      chars.map((ch, i) => [ch, lowered[i]]).filter(([ch, got]) => got !== refLower(ch, 'clickhouse-18').join('')),
      [],
    );
    assert.ok(chars.length > 500, `${chars.length} characters`);
    await run(`clickhouse://127.0.0.1:${server.httpPort}/callstats`, 'single', QUERIES);
  } finally {
    await server.stop();
  }
});

test(`ClickHouse two-shard cluster equals the reference on ${Math.ceil(QUERIES / 2)} random queries`, { timeout: 600_000 }, async () => {
  const cluster = await startClickHouseCluster();
  try {
    const hosts = cluster.urls.map((u) => new URL(u).host);
    await run(`clickhouse://${hosts[0]}/callstats?cluster=${cluster.cluster}&hosts=${hosts.join(',')}`, 'cluster', Math.ceil(QUERIES / 2));
  } finally {
    await cluster.stop();
  }
});

// CI time: these two run fewer random queries. The engine-equality suite covers every field, grouping
// and metric on 26.x too, and the replicated cluster answers through the same Distributed tables as the
// two-shard one (its faults: test/store/clickhouse-replicated.test.ts).
test(
  `ClickHouse 26.x in-process (chdb:) equals the reference on ${Math.ceil(QUERIES / 2)} random queries`,
  { timeout: 600_000 },
  async () => {
    const dir = chdbDir();
    try {
      await run(dir.url, 'chdb', Math.ceil(QUERIES / 2), 'simple');
    } finally {
      dir.cleanup();
    }
  },
);

test(
  `ClickHouse 2 shards × 2 replicas (ZooKeeper) equals the reference on ${Math.ceil(QUERIES / 4)} random queries`,
  { timeout: 600_000 },
  async () => {
    const zk = await startZooKeeper();
    try {
      const cluster = await startReplicatedCluster(zk.port);
      try {
        const hosts = cluster.urls.map((u) => new URL(u).host);
        await run(
          `clickhouse://${hosts[0]}/callstats?cluster=${cluster.cluster}&hosts=${hosts.join(',')}`,
          'replicated',
          Math.ceil(QUERIES / 4),
        );
      } finally {
        await cluster.stop();
      }
    } finally {
      await zk.stop();
    }
  },
);
