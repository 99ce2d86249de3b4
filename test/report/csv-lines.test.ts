import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { parseQuery } from '../../src/query/parse-query.js';
import { csvChunks } from '../../src/report/records.js';
import type { Store } from '../../src/store/store.js';
import { isValidTimeZone, parseCallTime } from '../../src/time/index.js';
import { call } from '../helpers/call.js';
import { freshStore } from '../helpers/store.js';
import { pickZoneIds, randomCalls, Rng, testSeed } from '../reference/random.js';

// Values a stranger can put in a CDR (caller ID names come from anyone's phone).
const HOSTILE = [
  'a\u0000b',
  '\u0000',
  '=1+1',
  '+6434123456',
  '-',
  '"q"',
  'a,b',
  'cr\rlf\n',
  '\r\n',
  '\uD800lone',
  'lone\uDC00',
  '🎉,"x"',
  'Chloé',
  '',
];
const MEGA = 'x"y,'.repeat(256 * 1024); // a 1 MB caller ID name, quoted and doubled
// 2025's DST changes of Pacific/Auckland (and Chatham, +12:45/+13:45, at the same instants), UTC.
const DST = [Date.UTC(2025, 3, 5, 14) / 1000, Date.UTC(2025, 8, 27, 14) / 1000];

/** The same store without streamChunks: the export then takes csv-sql.ts's lines built in SQL. */
function sqlLinesStore(store: Store): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'streamChunks') return undefined;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('CSV lines written in code equal the lines the engine writes in SQL, byte for byte', () => {
  let f: Awaited<ReturnType<typeof freshStore>>;
  before(async () => {
    f = await freshStore();
    const rng = new Rng(testSeed('csv-lines'));
    const calls: Call[] = randomCalls(rng, 200, pickZoneIds(rng, await f.store.listZones()));
    calls.forEach((c, i) => {
      c.caller_id_name = i % 2 ? HOSTILE[i % HOSTILE.length] || null : c.caller_id_name;
      if (i % 3 === 0) c.hangup_cause = HOSTILE[(i + 1) % HOSTILE.length] || null;
      if (i % 4 === 0) c.other_leg_call_id = HOSTILE[(i + 2) % HOSTILE.length];
      if (i % 5 === 0) c.media_server = HOSTILE[(i + 3) % HOSTILE.length];
    });
    // Every 10 minutes across both DST changes, two calls per instant (the call_id order).
    for (const t of DST) {
      for (let s = -3 * 3600; s <= 3 * 3600; s += 600) {
        for (const k of ['b', 'a'])
          calls.push(call({ account_id: 'acc', call_id: `dst-${t + s}-${k}`, call_time: t + s, caller_id_name: k }));
      }
    }
    calls.push(
      call({ call_id: 'mega', call_time: DST[0], caller_id_name: MEGA }),
      call({ call_id: 'epoch', call_time: 0, caller_id_name: '=epoch' }),
      call({ call_id: 'last', call_time: 4102444799, caller_id_name: 'last second' }),
      // Stored by other paths, never exported (time-bounds.ts): both writers must leave them out.
      call({ call_id: 'negative', call_time: -86400 }),
      call({ call_id: 'year-10000', call_time: 253402300800 }),
    );
    await f.store.insertCalls(calls.map((c) => ({ ...c, account_id: 'acc' })));
  });
  after(() => f.cleanup());

  for (const [tz, format, order] of [
    ['Pacific/Auckland', 'kazoo', 'dmy'],
    ['Pacific/Chatham', 'iso', 'dmy'],
    ['America/St_Johns', 'kazoo', 'mdy'],
  ] as const) {
    test(`${tz}, ${format} times, ${order}: every line, hostile values, DST, 1 MB name, windows of 97 calls`, async () => {
      const q = parseQuery(
        { timezone: tz, time_format: format },
        { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, z) => parseCallTime(v, z, order) },
      );
      let code = '';
      for await (const c of csvChunks(f.store, f.zones, 'acc', q, order, undefined, 97)) code += c;
      let sql = '';
      for await (const c of csvChunks(sqlLinesStore(f.store), f.zones, 'acc', q, order, undefined, 97)) sql += c;
      assert.ok(code.length > MEGA.length, 'the 1 MB name is in the export');
      assert.ok(!code.includes('year-10000') && !code.includes('negative'), 'calls outside 1970–2099 are not exported');
      const a = code.split('\r\n');
      const b = sql.split('\r\n');
      assert.equal(a.length, b.length, 'line count');
      for (let i = 0; i < b.length; i++) assert.equal(a[i], b[i], `line ${i}`);
      assert.equal(code, sql);
    });
  }
});
