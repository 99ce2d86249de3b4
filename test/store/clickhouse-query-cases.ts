/**
 * One fixed set of calls and a list of API queries, run on DuckDB and ClickHouse by the engine
 * comparison tests (clickhouse-query.test.ts single server and cluster). Answers are compared after
 * the API's shaping, so they must be equal to the last digit.
 */
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import type { Zone } from '../../src/core/zone.js';
import { loadConfig } from '../../src/core/config.js';
import { parseApiQuery } from '../../src/report/request.js';
import { Prng } from '../../src/demo/prng.js';
import { recordsPage, streamRecords } from '../../src/report/records.js';
import { statistics } from '../../src/report/statistics.js';
import type { ZoneService } from '../../src/zones/zone-service.js';
import type { Store } from '../../src/store/store.js';
import { PERIODS } from '../../src/time/index.js';
import { call } from '../helpers/call.js';

export const CONFIG = loadConfig({ CALLSTATS_STORE: 'duckdb:unused' });
export const ACCOUNTS = ['acc-main', 'acc-other'] as const;

/** A few zones of each kind: with and without description, from several countries. */
export function pickZones(all: readonly Zone[]): Zone[] {
  const picked: Zone[] = [];
  for (const country of ['New Zealand', 'Australia', 'United Kingdom', 'United States', 'Nepal']) {
    const inCountry = all.filter((z) => z.country === country);
    picked.push(...inCountry.filter((z) => z.description === '').slice(0, 1), ...inCountry.filter((z) => z.description !== '').slice(0, 3));
  }
  assert.ok(picked.length >= 10, `expected at least 10 zones, got ${picked.length}`);
  return picked;
}

const NAMES = [
  null,
  'Alice',
  "O'Brien",
  'back\\slash',
  '100% sure',
  'under_score',
  'what?',
  'tab\there',
  'Ünïcödé',
  '日本語',
  'ALICE',
  'a\\%b',
  'x--y /* z */',
  // ilike lowers İ (U+0130) to i on every engine (docs/filters.md); ClickHouse's own lowerUTF8 does not.
  'İstanbul',
  'istanbul',
];
const CAUSES = [null, 'NORMAL_CLEARING', 'NORMAL_CLEARING', 'USER_BUSY', 'NO_ANSWER', 'ORIGINATOR_CANCEL'];
// Dense around Pacific/Auckland's DST end (2016-04-03 03:00 NZDT) and start (2016-09-25 02:00 NZST).
const WINDOWS: readonly [number, number, number][] = [
  [Date.UTC(2016, 0, 1) / 1000, Date.UTC(2017, 11, 31) / 1000, 500],
  [Date.UTC(2016, 3, 2, 8) / 1000, Date.UTC(2016, 3, 3, 12) / 1000, 200],
  [Date.UTC(2016, 8, 24, 8) / 1000, Date.UTC(2016, 8, 25, 12) / 1000, 200],
];

/** Deterministic calls: every nullable column sometimes NULL, an unknown zone id, ties on call_time, quotes and `?` in text. */
export function makeCalls(zones: readonly Zone[]): Call[] {
  const rng = new Prng(4242);
  const pick = <T>(list: readonly T[]): T => list[rng.int(list.length)];
  // 2,000,000,000 is in no zone table: its calls have a zone id but no country or region.
  const zoneIds = [null, null, 2_000_000_000, ...zones.map((z) => z.id)];
  const calls: Call[] = [];
  let i = 0;
  for (const [from, to, n] of WINDOWS) {
    for (let k = 0; k < n; k++, i++) {
      const duration = rng.chance(0.1) ? 0 : rng.int(4000);
      const billing = rng.chance(0.3) ? 0 : Math.min(duration, rng.int(4000));
      // Every tenth call shares its second with the previous one: call_id breaks the tie.
      const time = i % 10 === 9 ? calls[calls.length - 1].call_time : from + rng.int(to - from);
      calls.push(
        call({
          account_id: i % 7 === 0 ? ACCOUNTS[1] : ACCOUNTS[0],
          call_id: `${pick(['id', 'ID', 'z', 'a?b', "q'"])}-${(i * 7919) % 1000}-${i}`,
          call_time: time,
          call_direction: rng.chance(0.5) ? 'inbound' : 'outbound',
          caller_id_name: pick(NAMES),
          caller_id_number: rng.chance(0.1) ? null : `+64${rng.int(1000)}`,
          callee_id_number: rng.chance(0.1) ? null : `+61${rng.int(1000)}`,
          caller_zone_id: pick(zoneIds),
          callee_zone_id: pick(zoneIds),
          duration_seconds: duration,
          billing_seconds: billing,
          ringing_seconds: rng.chance(0.2) ? null : rng.int(40),
          unanswered: billing === 0,
          hangup_cause: pick(CAUSES),
          // Legs of a few hundred interactions, or none: `calls` counts distinct ones.
          interaction_id: rng.chance(0.3) ? null : `63724403398-${rng.int(300)}`,
          resource_type: pick([null, 'offnet-origination', 'offnet-termination', 'onnet-origination']),
        }),
      );
    }
  }
  return calls;
}

const ALL_METRICS = ['answered', 'asr', 'acd', 'billing_seconds', 'percentiles', 'calls'];
const ZONES = ['UTC', 'Pacific/Auckland', 'Asia/Kathmandu', 'America/New_York'];
const GROUPS = [
  'call_direction',
  'caller_zone_id',
  'callee_zone_id',
  'unanswered',
  'hangup_cause',
  'caller_country',
  'callee_country',
  'caller_region',
  'callee_region',
  'resource_type',
];

/** The filters exercised: every operator, field-to-field, nested or/and, both zone sides at once. */
export function filterCases(zones: readonly Zone[]): unknown[][] {
  const ids = zones.map((z) => z.id);
  const region = zones.find((z) => z.description !== '')!;
  return [
    [],
    [{ name: 'call_direction', op: 'eq', val: 'inbound' }],
    [{ name: 'hangup_cause', op: 'ne', val: 'NORMAL_CLEARING' }],
    [
      { name: 'duration_seconds', op: 'gt', val: 600 },
      { name: 'billing_seconds', op: 'le', val: '1200' },
    ],
    [{ name: 'ringing_seconds', op: 'ge', val: 20 }],
    [{ name: 'ringing_seconds', op: 'lt', val: 5 }],
    [
      { name: 'call_time', op: 'ge', val: '2016-04-02T10:00:00Z' },
      { name: 'call_time', op: 'lt', val: '2016-04-03T06:00:00+12:00' },
    ],
    [{ name: 'caller_zone_id', op: 'in', val: [...ids, ...Array.from({ length: 3000 }, (_, k) => 900_000 + k)] }],
    [{ name: 'callee_zone_id', op: 'not_in', val: ids.slice(0, 3) }],
    [{ name: 'caller_id_name', op: 'like', val: '%?%' }],
    [{ name: 'caller_id_name', op: 'like', val: "%'%" }],
    [{ name: 'caller_id_name', op: 'like', val: '%\\%%' }],
    [{ name: 'caller_id_name', op: 'like', val: '%\\\\%' }],
    [{ name: 'caller_id_name', op: 'ilike', val: 'ali_e' }],
    [{ name: 'caller_id_name', op: 'ilike', val: '%ö%' }],
    [{ name: 'caller_id_name', op: 'ilike', val: 'istanbul%' }],
    [{ name: 'caller_id_name', op: 'ilike', val: 'İSTANBUL' }],
    [{ name: 'caller_id_name', op: 'in', val: ["O'Brien", 'what?', 'tab\there'] }],
    [{ name: 'caller_id_name', op: 'is_null' }],
    [
      { name: 'hangup_cause', op: 'is_not_null' },
      { name: 'unanswered', op: 'eq', val: true },
    ],
    [{ name: 'billing_seconds', op: 'lt', field: 'duration_seconds' }],
    [{ name: 'caller_zone_id', op: 'eq', field: 'callee_zone_id' }],
    [{ name: 'caller_country', op: 'eq', field: 'callee_country' }],
    [
      {
        or: [
          { name: 'caller_country', op: 'eq', val: 'New Zealand' },
          {
            and: [
              { name: 'unanswered', op: 'eq', val: 0 },
              { name: 'hangup_cause', op: 'ne', val: 'USER_BUSY' },
            ],
          },
        ],
      },
    ],
    [{ name: 'callee_region', op: 'eq', val: `${region.country} ${region.description}` }],
    [
      { name: 'caller_region', op: 'in', val: ['Australia', `${region.country} ${region.description}`] },
      { name: 'callee_country', op: 'is_not_null' },
    ],
    [{ name: 'callee_country', op: 'not_in', val: ['Australia'] }],
    [{ name: 'caller_country', op: 'like', val: 'New%' }],
    [{ or: [] }],
    [{ and: [] }],
  ];
}

/** Every period in several zones; every grouping; every filter grouped by a zone field of the other side. */
export function queryCases(zones: readonly Zone[]): { period: (typeof PERIODS)[number]; q: Record<string, unknown> }[] {
  const cases: { period: (typeof PERIODS)[number]; q: Record<string, unknown> }[] = [];
  for (const period of PERIODS) {
    for (const timezone of ZONES) cases.push({ period, q: { timezone, metrics: ALL_METRICS } });
    cases.push({ period, q: { timezone: 'Pacific/Auckland', week_start: 'sunday', grouping: 'caller_country', metrics: ['percentiles'] } });
  }
  for (const grouping of GROUPS) cases.push({ period: 'monthly', q: { timezone: 'Pacific/Auckland', grouping, metrics: ALL_METRICS } });
  for (const filters of filterCases(zones)) {
    cases.push({ period: 'daily', q: { timezone: 'Pacific/Auckland', filters, metrics: ALL_METRICS } });
    cases.push({ period: 'weekly', q: { timezone: 'Asia/Kathmandu', filters, grouping: 'caller_country', metrics: ['acd'] } });
  }
  return cases;
}

/** Runs every case through statistics() and recordsPage()/streamRecords() on both stores and compares. */
export async function compareEngines(duck: Store, ch: Store, zoneService: ZoneService, zones: readonly Zone[]): Promise<number> {
  let compared = 0;
  let nonEmpty = 0;
  let grouped = 0;
  for (const { period, q } of queryCases(zones)) {
    const query = parseApiQuery(q, CONFIG);
    for (const account of [ACCOUNTS[0], undefined]) {
      const label = `${period} ${JSON.stringify(q)} account=${account}`;
      const expected = await statistics(duck, account, period, query, CONFIG);
      assert.deepStrictEqual(await statistics(ch, account, period, query, CONFIG), expected, label);
      compared++;
      const buckets = Object.values(expected);
      if (buckets.length > 0) nonEmpty++;
      if (buckets.some((b) => Object.keys(b.groups ?? {}).length > 1)) grouped++;
    }
  }
  for (const filters of filterCases(zones)) {
    const query = parseApiQuery({ timezone: 'Pacific/Auckland', filters }, CONFIG);
    assert.deepStrictEqual(await allPages(ch, zoneService, query), await allPages(duck, zoneService, query), JSON.stringify(filters));
    const streamed = async (s: Store) => {
      const rows = [];
      for await (const r of streamRecords(s, zoneService, ACCOUNTS[0], query, CONFIG.dateOrder)) rows.push(r);
      return rows;
    };
    assert.deepStrictEqual(await streamed(ch), await streamed(duck), `stream ${JSON.stringify(filters)}`);
    compared += 2;
  }
  // Guard against comparing empty answers: most cases must have data, many of them several groups.
  assert.ok(nonEmpty > compared * 0.6 && grouped > 50, `only ${nonEmpty} non-empty and ${grouped} grouped answers`);
  return compared;
}

async function allPages(store: Store, zoneService: ZoneService, query: ReturnType<typeof parseApiQuery>): Promise<unknown[]> {
  const pages: unknown[] = [];
  let key: string | undefined;
  do {
    const page = await recordsPage(store, zoneService, ACCOUNTS[0], query, CONFIG.dateOrder, 97, key);
    pages.push(page);
    key = page.next_start_key;
  } while (key);
  return pages;
}
