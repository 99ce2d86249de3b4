import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CALL_COLUMNS } from '../../src/core/call.js';
import { parseApiQuery } from '../../src/report/request.js';
import { statistics } from '../../src/report/statistics.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/duckdb/schema.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import { call } from '../helpers/call.js';
import { freshStore } from '../helpers/store.js';

const CONFIG = { defaultTimezone: 'UTC', dateOrder: 'dmy', weekStart: 'monday' } as const;

test('a store made by schema 3 upgrades in place to 4: old calls read NULL Kazoo fields, new ones store them, rezone still works', async () => {
  // The zone table of a real store, to rezone against.
  const template = await freshStore();
  const zones = await template.store.listZones();
  await template.cleanup();
  const dir = mkdtempSync(join(tmpdir(), 'callstats-migrate-v4-'));
  const path = join(dir, 'release3.duckdb');
  try {
    // A store as release 3 left it: migrations 1-3, calls with the 14 columns of schema 3, no zone tags yet.
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    await c.run('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const [i, m] of MIGRATIONS.slice(0, 3).entries()) {
      for (const stmt of m) await c.run(stmt);
      await c.run('INSERT INTO schema_version VALUES ($1)', [i + 1]);
    }
    await c.run(`INSERT INTO calls VALUES
      ('acc', 'old-1', 1557184198, 'outbound', 'Front Desk', '+6434123456', '+15132882153', NULL, NULL, 62, 60, NULL, false, 'NORMAL_CLEARING'),
      ('acc', 'old-2', 1557184300, 'inbound', NULL, '+15132882153', '1001', NULL, NULL, 10, 0, 3, true, 'NO_ANSWER')`);
    c.closeSync();
    db.closeSync();

    const store = new DuckDBStore(path);
    await store.init();
    try {
      const versions = await store.all({ sql: 'SELECT version FROM schema_version ORDER BY version', params: [] });
      assert.deepEqual(
        versions.map((v) => v.version),
        [1, 2, 3, 4, 5, 6],
      );
      assert.equal(SCHEMA_VERSION, 6);
      const columns = await store.all({
        sql: `SELECT column_name FROM duckdb_columns() WHERE table_name = 'calls' ORDER BY column_index`,
        params: [],
      });
      assert.deepEqual(
        columns.map((r) => r.column_name),
        [...CALL_COLUMNS],
        'the registry order',
      );
      const old = [];
      for await (const x of store.exportCalls('acc')) old.push(x);
      assert.deepEqual(old, [
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
        call({
          account_id: 'acc',
          call_id: 'old-2',
          call_time: 1557184300,
          caller_id_number: '+15132882153',
          callee_id_number: '1001',
          duration_seconds: 10,
          billing_seconds: 0,
          ringing_seconds: 3,
          unanswered: true,
          hangup_cause: 'NO_ANSWER',
        }),
      ]);
      const fresh = call({ account_id: 'acc', call_id: 'new-1', call_time: 1557184400, interaction_id: '63724403398-af5b9a0e' });
      const leg = { ...fresh, call_id: 'new-2', resource_type: 'offnet-termination', hangup_code: 'sip:200', reseller_id: 'r' };
      assert.deepEqual(await store.insertCalls([fresh, leg, call({ account_id: 'acc', call_id: 'old-1' })]), {
        inserted: 2,
        duplicates: 1,
      });
      const answer = await statistics(
        store,
        'acc',
        'daily',
        parseApiQuery({ metrics: ['calls'], grouping: 'resource_type' }, CONFIG),
        CONFIG,
      );
      assert.deepEqual({ total: answer['00:00:00 06/05/2019'].total, calls: answer['00:00:00 06/05/2019'].calls }, { total: 4, calls: 3 });
      assert.deepEqual(Object.keys(answer['00:00:00 06/05/2019'].groups!).sort(), ['null', 'offnet-termination']);

      // `zones rezone` after the upgrade: the old calls get their zones.
      await store.saveZones(zones);
      const service = await ZoneService.open(store, undefined);
      assert.equal(await service.rezone(store), 3);
      const tagged = await store.all({
        sql: `SELECT call_id, caller_zone_id, callee_zone_id FROM calls WHERE call_id LIKE 'old-%' ORDER BY call_id`,
        params: [],
      });
      const nz = service.zoneOf('+6434123456');
      const us = service.zoneOf('+15132882153');
      assert.notEqual(nz, null);
      assert.notEqual(us, null);
      assert.deepEqual(tagged, [
        { call_id: 'old-1', caller_zone_id: nz, callee_zone_id: us },
        { call_id: 'old-2', caller_zone_id: us, callee_zone_id: null },
      ]);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
