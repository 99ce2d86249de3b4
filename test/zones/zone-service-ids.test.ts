import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import { freshStore } from '../helpers/store.js';
import type { Call } from '../../src/core/call.js';
import { call as baseCall } from '../helpers/call.js';

const prefixes = ['643412', '61412', '1212', '4420'];

test('zone ids survive a restart, a rebuild of the default table and a re-zone', async () => {
  const f = await freshStore();
  const idsOf = async (store: DuckDBStore) => {
    const zones = await store.listZones();
    return prefixes.map((p) => zones.find((z) => z.prefix === p && z.active)?.id);
  };
  const before = await idsOf(f.store);
  assert.ok(
    before.every((id) => typeof id === 'number'),
    JSON.stringify(before),
  );
  const total = (await f.store.listZones()).length;

  const call: Call = baseCall({
    account_id: 'a',
    call_id: 'z1',
    call_time: 1_600_000_000,
    call_direction: 'outbound',
    caller_id_number: '+6434123456',
    callee_id_number: '+61412345678',
    duration_seconds: 5,
    billing_seconds: 5,
  });
  await f.store.insertCalls([call]);

  const rebuilt = await f.zones.rebuildDefault(f.store);
  assert.deepEqual(rebuilt, { added: 0, deactivated: 0 });
  assert.equal(await f.zones.rezone(f.store), 2, 'the stored call gets both zones');
  assert.equal(await f.zones.rezone(f.store), 0, 'a second re-zone changes nothing');
  await f.store.close();

  const reopened = new DuckDBStore(f.path);
  await reopened.init();
  const zones = await ZoneService.open(reopened, undefined);
  assert.deepEqual(await idsOf(reopened), before);
  assert.equal((await reopened.listZones()).length, total, 'no zone was added or renumbered');
  const [row] = await reopened.all({ sql: 'SELECT caller_zone_id, callee_zone_id FROM calls', params: [] });
  assert.deepEqual([row.caller_zone_id, row.callee_zone_id], [before[0], before[1]]);
  assert.equal(zones.zoneOf('+6434123456'), before[0]);
  await reopened.close();
  await f.cleanup().catch(() => undefined);
});
