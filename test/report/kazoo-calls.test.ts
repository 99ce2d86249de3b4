/**
 * Kazoo's legs as calls (SPEC 2.6 `calls`, docs/kazoo-calls.md), on DuckDB and on ClickHouse 18.16:
 * two bridged calls of two legs each (test/fixtures/kazoo-legs.ts) go through ingest and answer
 * `total` in legs and `calls` in interactions, in every bucket, group and filter.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { cdrToCall } from '../../src/ingest/cdr-to-call.js';
import { parseQuery } from '../../src/query/parse-query.js';
import { statistics } from '../../src/report/statistics.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import type { Store } from '../../src/store/store.js';
import { isValidTimeZone, parseCallTime } from '../../src/time/index.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import { startClickHouse, type ClickHouseServer } from '../helpers/clickhouse-server.js';
import { freshStore } from '../helpers/store.js';
import { ACCOUNT, KAZOO_LEGS, outboundToCarrier } from '../fixtures/kazoo-legs.js';

const CONFIG = { dateOrder: 'dmy', weekStart: 'monday' } as const;
const ask = (store: Store, q: object) =>
  statistics(
    store,
    ACCOUNT,
    'monthly',
    parseQuery({ timezone: 'UTC', ...q }, { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, tz) => parseCallTime(v, tz, 'dmy') }),
    CONFIG,
  );
const MAY = '00:00:00 01/05/2019';

let duck: Awaited<ReturnType<typeof freshStore>>;
let server: ClickHouseServer;
let clickhouse: ClickHouseStore;
let calls: Call[];

before(async () => {
  duck = await freshStore();
  calls = KAZOO_LEGS.map((doc) => {
    const r = cdrToCall(doc, { zoneOf: duck.zones.zoneOf });
    if (!r.ok) throw new Error(r.reason);
    return r.call;
  });
  await duck.store.insertCalls(calls);
  server = await startClickHouse();
  clickhouse = new ClickHouseStore(`clickhouse://127.0.0.1:${server.httpPort}/kazoo`);
  await clickhouse.init();
  await clickhouse.saveZones(await duck.store.listZones());
  await ZoneService.open(clickhouse, undefined);
  await clickhouse.insertCalls(calls);
});

after(async () => {
  await clickhouse?.close();
  await server?.stop();
  await duck?.cleanup();
});

test('an outbound leg to the PSTN takes its callee from `request`, never from `to` (the caller presence id)', () => {
  const leg = calls[3];
  assert.equal(leg.call_id, outboundToCarrier.call_id);
  assert.equal(leg.callee_id_number, '+15132882153');
  assert.equal(leg.callee_zone_id, duck.zones.zoneOf('+15132882153'));
  assert.notEqual(leg.callee_zone_id, null);
  assert.equal(leg.caller_id_number, '+15555678900');
  assert.equal(leg.interaction_id, '63724410000-0c0ffee0', 'from custom_channel_vars.call_interaction_id');
  assert.equal(leg.resource_type, 'offnet-termination');
});

test('the start is channel_created_time (µs, floored) when present, else timestamp − duration', () => {
  // A-leg of call 1: created 1557184198.071108; B-leg created 2.5 s later, whose timestamp − duration is 1557184201.
  assert.deepEqual(
    calls.map((c) => c.call_time),
    [1557184198, 1557184200, 63724410000 - 62167219200, 63724410000 + 65 - 62 - 62167219200],
  );
});

for (const engine of ['duckdb', 'clickhouse'] as const) {
  describe(`calls among legs (${engine})`, () => {
    const store = () => (engine === 'duckdb' ? duck.store : clickhouse);

    test('two legs of one interaction answer total: 2, calls: 1', async () => {
      const answer = await ask(store(), {
        metrics: ['calls'],
        filters: [{ name: 'interaction_id', op: 'eq', val: '63724403398-af5b9a0e' }],
      });
      assert.deepEqual(Object.keys(answer), [MAY]);
      assert.equal(answer[MAY].total, 2);
      assert.equal(answer[MAY].calls, 1);
    });

    test('the month holds 4 legs and 2 calls; a total of calls is not the sum of its groups', async () => {
      const answer = await ask(store(), { metrics: ['calls'], grouping: 'call_direction' });
      assert.deepEqual({ total: answer[MAY].total, calls: answer[MAY].calls }, { total: 4, calls: 2 });
      const groups = Object.fromEntries(Object.entries(answer[MAY].groups!).map(([k, v]) => [k, [v.total, v.calls]]));
      assert.deepEqual(groups, { inbound: [2, 2], outbound: [2, 2] });
    });

    test('grouping by resource_type splits origination from termination: calls from customers to the PSTN', async () => {
      const answer = await ask(store(), { metrics: ['calls'], grouping: 'resource_type' });
      const groups = Object.fromEntries(Object.entries(answer[MAY].groups!).map(([k, v]) => [k, [v.total, v.calls]]));
      assert.deepEqual(groups, { 'offnet-origination': [1, 1], 'offnet-termination': [1, 1], null: [2, 2] });
    });

    test('the other Kazoo fields filter and group: authorizing_type, owner_id, hangup_code, media_server, reseller_id', async () => {
      const byAuth = await ask(store(), { grouping: 'authorizing_type', metrics: ['calls'] });
      const groups = Object.fromEntries(Object.entries(byAuth[MAY].groups!).map(([k, v]) => [k, [v.total, v.calls]]));
      assert.deepEqual(groups, { device: [2, 2], account: [1, 1], null: [1, 1] });
      const devices = await ask(store(), {
        grouping: 'media_server',
        filters: [
          { name: 'owner_id', op: 'eq', val: 'fedcba9876543210fedcba9876543210' },
          { name: 'hangup_code', op: 'like', val: 'sip:2%' },
          { name: 'reseller_id', op: 'is_not_null' },
        ],
      });
      assert.deepEqual(Object.fromEntries(Object.entries(devices[MAY].groups!).map(([k, v]) => [k, v.total])), {
        'apps.2600hz.local': 1,
        'fs2.2600hz.local': 1,
      });
    });
  });
}
