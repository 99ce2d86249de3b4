import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/core/config.js';
import { parseQuery } from '../../src/query/parse-query.js';
import { statistics } from '../../src/report/statistics.js';
import type { Store } from '../../src/store/store.js';
import { isValidTimeZone, parseCallTime } from '../../src/time/index.js';
import { call } from '../helpers/call.js';
import { freshStore } from '../helpers/store.js';

// A question whose raw read found more than statsRowsMax calls goes straight to the engine when
// asked again (report/statistics.ts TooManyRows); the answer is the same either way.

const T0 = Date.UTC(2025, 3, 1) / 1000;
let f: Awaited<ReturnType<typeof freshStore>>;
before(async () => {
  f = await freshStore();
  const calls = (account: string, n: number) =>
    Array.from({ length: n }, (_, i) =>
      call({
        account_id: account,
        call_id: `${account}-${i}`,
        call_time: T0 + i * 611,
        duration_seconds: (i * 7) % 301,
        unanswered: i % 5 === 0,
      }),
    );
  await f.store.insertCalls([...calls('bigacct', 300), ...calls('smallacct', 40)]);
});
after(() => f.cleanup());

/** The store with its raw reads counted (calls to allAtMost, and how many found too many rows). */
function counted(store: Store): { store: Store; reads: () => number; tooMany: () => number } {
  let reads = 0;
  let tooMany = 0;
  const wrapped = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop !== 'allAtMost' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<NonNullable<Store['allAtMost']>>) => {
        reads++;
        const r = await target.allAtMost!(...args);
        if (!r) tooMany++;
        return r;
      };
    },
  });
  return { store: wrapped, reads: () => reads, tooMany: () => tooMany };
}

test('a question past the raw limit scans the raw rows once, then asks the engine; answers unchanged', async () => {
  const config = { ...loadConfig({ CALLSTATS_STORE: 'duckdb:unused' }), statsRowsMax: 100 };
  const q = parseQuery(
    { grouping: 'unanswered', timezone: 'Pacific/Auckland' },
    { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, t) => parseCallTime(v, t, 'dmy') },
  );
  const engine = JSON.stringify(await statistics(f.store, 'bigacct', 'daily', q, { ...config, statsRowsMax: 0 }));
  const c = counted(f.store);
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(JSON.stringify(await statistics(c.store, 'bigacct', 'daily', q, config)));
  assert.deepEqual(answers, [engine, engine, engine]);
  assert.equal(c.reads(), 1);
  assert.equal(c.tooMany(), 1);
  // Another question (another account, under the limit) still reads its raw rows, every time.
  for (let i = 0; i < 2; i++) await statistics(c.store, 'smallacct', 'daily', q, config);
  assert.equal(c.reads(), 3);
  assert.equal(c.tooMany(), 1);
  // A higher limit is another question: its raw read answers.
  assert.equal(JSON.stringify(await statistics(c.store, 'bigacct', 'daily', q, { ...config, statsRowsMax: 1000 })), engine);
  assert.equal(c.reads(), 4);
  assert.equal(c.tooMany(), 1);
  // Another store (another server's) remembers nothing of this one.
  const other = counted(f.store);
  await statistics(other.store, 'bigacct', 'daily', q, config);
  assert.equal(other.reads(), 1);
});
