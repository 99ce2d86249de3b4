import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { CALL_COLUMN_DEFS, CALL_COLUMNS } from '../../src/core/call.js';
import { parseApiQuery } from '../../src/report/request.js';
import { statistics } from '../../src/report/statistics.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { clickhouseColumnType, CALLS_COLUMNS_DDL, MIGRATIONS, SCHEMA_VERSION_DDL } from '../../src/store/clickhouse/ddl.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import { call } from '../helpers/call.js';
import { startClickHouse, startClickHouseCluster, type ClickHouseServer } from '../helpers/clickhouse-server.js';
import { freshStore } from '../helpers/store.js';

const CONFIG = { defaultTimezone: 'UTC', dateOrder: 'dmy', weekStart: 'monday' } as const;
const DAY = '00:00:00 06/05/2019';

let server: ClickHouseServer;
let admin: ClickHouseClient;

before(async () => {
  server = await startClickHouse();
  admin = createClient({ url: server.url, database: 'default' });
});
after(async () => {
  await admin?.close();
  await server?.stop();
});

/** A database as the first release (schema 1) made it on one server: its calls table has the 14 first columns. */
async function release1Store(database: string, url = server.url, cluster?: string, rows = true): Promise<void> {
  const root = createClient({ url, database: 'default' });
  await root.command({ query: `CREATE DATABASE ${database}` });
  await root.close();
  const db = createClient({ url, database });
  const release1Columns = CALL_COLUMN_DEFS.filter((c) => c.since === 1)
    .map((c) => `\n  ${c.name} ${clickhouseColumnType(c)}`)
    .join(',');
  await db.command({ query: SCHEMA_VERSION_DDL });
  for (const sql of MIGRATIONS[0].statements({ database, cluster }))
    await db.command({ query: sql.replace(CALLS_COLUMNS_DDL, release1Columns) });
  await db.command({ query: `INSERT INTO schema_version (version, applied_at) VALUES (1, 0)` });
  const local = cluster ? 'calls_local' : 'calls';
  if (!rows) return db.close();
  await db.command({
    query: `INSERT INTO ${local} VALUES
      ('acc', 'old-1', 1557184198, 'outbound', 'Front Desk', '+6434123456', '+15132882153', NULL, NULL, 62, 60, NULL, 0, 'NORMAL_CLEARING'),
      ('acc', 'old-2', 1557184300, 'inbound', NULL, '+15132882153', '1001', NULL, NULL, 10, 0, 3, 1, 'NO_ANSWER')`,
  });
  await db.command({
    query: `INSERT INTO ${cluster ? 'call_ids_local' : 'call_ids'} VALUES ('acc', 'old-1', 1557184198), ('acc', 'old-2', 1557184300)`,
  });
  await db.close();
}

test('a ClickHouse store made by schema 1 upgrades in place to 4: old calls read NULL, new ones store Kazoo fields, rezone still works', async () => {
  await release1Store('release1');
  const zones = await (async () => {
    const t = await freshStore();
    const list = await t.store.listZones();
    await t.cleanup();
    return list;
  })();
  const store = new ClickHouseStore(`clickhouse://127.0.0.1:${server.httpPort}/release1`);
  await store.init();
  try {
    assert.deepEqual(await store.all({ sql: 'SELECT version FROM schema_version ORDER BY version', params: [] }), [
      { version: 1 },
      { version: 4 },
    ]);
    const columns = await store.all({
      sql: `SELECT name FROM system.columns WHERE database = 'release1' AND table = 'calls'`,
      params: [],
    });
    assert.deepEqual(
      columns.map((r) => r.name),
      [...CALL_COLUMNS],
      'the registry order',
    );
    // A second init (another process starting) finds version 4 and changes nothing.
    await store.init();
    const old = [];
    for await (const x of store.exportCalls('acc')) old.push(x);
    assert.deepEqual(
      old.map((c) => [c.call_id, c.interaction_id, c.resource_type, c.reseller_id]),
      [
        ['old-1', null, null, null],
        ['old-2', null, null, null],
      ],
    );
    assert.deepEqual(
      old[0],
      call({
        account_id: 'acc',
        call_id: 'old-1',
        call_time: 1557184198,
        call_direction: 'outbound',
        caller_id_name: 'Front Desk',
        caller_id_number: '+6434123456',
        callee_id_number: '+15132882153',
        duration_seconds: 62,
        hangup_cause: 'NORMAL_CLEARING',
      }),
    );
    const fresh = call({ account_id: 'acc', call_id: 'new-1', call_time: 1557184400, interaction_id: '63724403398-af5b9a0e' });
    const leg = { ...fresh, call_id: 'new-2', resource_type: 'offnet-termination', hangup_code: 'sip:200', reseller_id: 'r' };
    assert.deepEqual(await store.insertCalls([fresh, leg, call({ account_id: 'acc', call_id: 'old-1' })]), { inserted: 2, duplicates: 1 });
    const answer = await statistics(
      store,
      'acc',
      'daily',
      parseApiQuery({ metrics: ['calls'], grouping: 'resource_type' }, CONFIG),
      CONFIG,
    );
    assert.deepEqual({ total: answer[DAY].total, calls: answer[DAY].calls }, { total: 4, calls: 3 });
    assert.deepEqual(Object.fromEntries(Object.entries(answer[DAY].groups!).map(([k, v]) => [k, [v.total, v.calls]])), {
      null: [3, 3],
      'offnet-termination': [1, 1],
    });

    // `zones rezone` after the upgrade: the old calls get their zones.
    await store.saveZones(zones);
    const service = await ZoneService.open(store, undefined);
    assert.equal(await service.rezone(store), 3);
    const tagged = await store.all({
      sql: `SELECT call_id, caller_zone_id, callee_zone_id FROM calls WHERE call_id LIKE 'old-%' ORDER BY call_id`,
      params: [],
    });
    assert.deepEqual(tagged, [
      { call_id: 'old-1', caller_zone_id: service.zoneOf('+6434123456'), callee_zone_id: service.zoneOf('+15132882153') },
      { call_id: 'old-2', caller_zone_id: service.zoneOf('+15132882153'), callee_zone_id: null },
    ]);
    assert.notEqual(service.zoneOf('+15132882153'), null);
  } finally {
    await store.close();
  }
});

test('a two-shard cluster made by schema 1 upgrades every server: the _local tables and the Distributed calls get the columns', async () => {
  const cluster = await startClickHouseCluster();
  try {
    // Both old calls live on the shard that cityHash64('acc') picks; the other shard holds none.
    const hosts = cluster.urls.map((u) => new URL(u).host);
    const probe = createClient({ url: cluster.urls[0], database: 'default' });
    const [{ shard }] = (await (
      await probe.query({ query: `SELECT cityHash64('acc') % ${hosts.length} AS shard`, format: 'JSONEachRow' })
    ).json()) as { shard: string }[];
    await probe.close();
    for (const [i, url] of cluster.urls.entries()) await release1Store('sharded', url, cluster.cluster, i === Number(shard));
    const store = new ClickHouseStore(`clickhouse://${hosts[0]}/sharded?cluster=${cluster.cluster}&hosts=${hosts.join(',')}`);
    await store.init();
    try {
      for (const url of cluster.urls) {
        const db = createClient({ url, database: 'sharded' });
        for (const table of ['calls_local', 'calls']) {
          const rows = (await (
            await db.query({
              query: `SELECT name FROM system.columns WHERE database = 'sharded' AND table = '${table}'`,
              format: 'JSONEachRow',
            })
          ).json()) as { name: string }[];
          assert.deepEqual(
            rows.map((r) => r.name),
            [...CALL_COLUMNS],
            `${url} ${table}`,
          );
        }
        await db.close();
      }
      const old = [];
      for await (const x of store.exportCalls('acc')) old.push(x);
      assert.deepEqual(
        old.map((c) => [c.call_id, c.interaction_id, c.hangup_code]),
        [
          ['old-1', null, null],
          ['old-2', null, null],
        ],
      );
      const fresh = call({ account_id: 'acc', call_id: 'new-1', call_time: 1557184400, interaction_id: '63724403398-af5b9a0e' });
      assert.deepEqual(await store.insertCalls([fresh, { ...fresh, call_id: 'new-2' }]), { inserted: 2, duplicates: 0 });
      const answer = await statistics(store, 'acc', 'daily', parseApiQuery({ metrics: ['calls'] }, CONFIG), CONFIG);
      assert.deepEqual({ total: answer[DAY].total, calls: answer[DAY].calls }, { total: 4, calls: 3 });
    } finally {
      await store.close();
    }
  } finally {
    await cluster.stop();
  }
});
