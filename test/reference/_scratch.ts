import { freshStore } from '../helpers/store.js';
import { parseQuery } from '../../src/query/parse-query.js';
import { statistics } from '../../src/query/statistics.js';
import { recordsPage } from '../../src/query/records.js';
import { isValidTimeZone, parseCallTime } from '../../src/time/index.js';
const t = await freshStore();
const base = { account_id: 'x', call_direction: 'inbound' as const, caller_id_number: null, callee_id_number: null, callee_zone_id: null, duration_seconds: 1, billing_seconds: 1, ringing_seconds: null, unanswered: false, hangup_cause: null };
await t.store.insertCalls([
  { ...base, call_id: 'a', call_time: 1000, caller_id_name: 'a\u0000b', caller_zone_id: 999999999 },
  { ...base, call_id: 'b', call_time: 2000, caller_id_name: 'a', caller_zone_id: null },
]);
const ctx = { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v: string, tz: string) => parseCallTime(v, tz, 'dmy') };
const run = async (q: object) => JSON.stringify(await statistics(t.store, 'x', 'monthly', parseQuery(q, ctx), { dateOrder: 'dmy', weekStart: 'monday' }));
console.log('group region', await run({ grouping: 'caller_region' }));
console.log('group country', await run({ grouping: 'caller_country' }));
console.log('region is_null', await run({ filters: [{ name: 'caller_region', op: 'is_null' }] }));
console.log('name eq a\\0b', await run({ filters: [{ name: 'caller_id_name', op: 'eq', val: 'a\u0000b' }] }));
console.log('name like a%', await run({ filters: [{ name: 'caller_id_name', op: 'like', val: 'a_b' }] }));
console.log('name > a', await run({ filters: [{ name: 'caller_id_name', op: '>', val: 'a' }] }));
const recs = await recordsPage(t.store, t.zones, 'x', parseQuery({}, ctx), 'dmy', 10);
console.log(JSON.stringify(recs.data.map((r) => [r.caller_id_name, r.caller_region])));
await t.cleanup();
