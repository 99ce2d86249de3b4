import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { freshStore } from '../helpers/store.js';
import { call as baseCall } from '../helpers/call.js';

function call(account: string, id: number, t: number): Call {
  return baseCall({
    account_id: account,
    call_id: `c${id}`,
    call_time: t,
    call_direction: id % 2 ? 'inbound' : 'outbound',
    duration_seconds: id % 97,
    billing_seconds: id % 3 ? id % 50 : 0,
    unanswered: id % 3 === 0,
  });
}

describe('DuckDB compaction', () => {
  let f: Awaited<ReturnType<typeof freshStore>>;
  before(async () => {
    f = await freshStore();
  });
  after(() => f.cleanup());

  test('rewrites calls in (account, time) order, keeps every call, and still refuses duplicates', async () => {
    const calls: Call[] = [];
    // Interleaved accounts and shuffled times, as webhooks from many accounts arrive.
    for (let i = 0; i < 5000; i++) calls.push(call(`acct${i % 7}`, i, 1_600_000_000 + ((i * 7919) % 5000) * 60));
    assert.deepEqual(await f.store.insertCalls(calls), { inserted: 5000, duplicates: 0 });
    assert.equal(await f.store.unsortedCalls(), 5000);
    const before = await f.store.all({
      sql: 'SELECT account_id, count(*) AS n, sum(duration_seconds) AS d, min(call_time) AS lo FROM calls GROUP BY account_id ORDER BY account_id',
      params: [],
    });

    const r = await f.store.compact();
    assert.equal(r.rows, 5000);
    assert.equal(await f.store.unsortedCalls(), 0);
    const afterRows = await f.store.all({
      sql: 'SELECT account_id, count(*) AS n, sum(duration_seconds) AS d, min(call_time) AS lo FROM calls GROUP BY account_id ORDER BY account_id',
      params: [],
    });
    assert.deepEqual(afterRows, before);

    const physical = await f.store.all({ sql: 'SELECT account_id, call_time, call_id FROM calls ORDER BY rowid', params: [] });
    const sorted = [...physical].sort((a, b) =>
      String(a.account_id) < String(b.account_id)
        ? -1
        : String(a.account_id) > String(b.account_id)
          ? 1
          : Number(a.call_time) - Number(b.call_time) || (String(a.call_id) < String(b.call_id) ? -1 : 1),
    );
    assert.deepEqual(physical, sorted, 'rows are stored in (account, time, call_id) order');

    // After the rewrite re-sent calls are still duplicates and new ones still count.
    assert.deepEqual(await f.store.insertCalls([calls[0], calls[1], call('acct0', 99999, 1_600_000_000)]), { inserted: 1, duplicates: 2 });
    assert.equal(await f.store.unsortedCalls(), 1);
  });
});
