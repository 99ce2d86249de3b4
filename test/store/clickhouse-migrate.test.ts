import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey, createWebhookToken } from '../../src/accounts/tokens.js';
import { parseApiQuery } from '../../src/report/request.js';
import { migrate, runMigrate } from '../../src/cli/migrate.js';
import { makeOutput } from '../../src/cli/output.js';
import type { Call } from '../../src/core/call.js';
import { loadConfig } from '../../src/core/config.js';
import { syntheticCdrs } from '../../src/demo/synthetic-cdrs.js';
import { ingestRecords, readRecordBatches } from '../../src/ingest/index.js';
import { statistics } from '../../src/report/statistics.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import type { Store } from '../../src/store/store.js';
import { chdbDir, onChdb, type ChdbDir } from '../helpers/chdb.js';
import { startClickHouse, type ClickHouseServer } from '../helpers/clickhouse-server.js';
import { freshStore } from '../helpers/store.js';

// `callstats migrate`: DuckDB → ClickHouse → DuckDB keeps every API answer, and a second run (or a
// run after an interruption) copies only what is missing.
const CONFIG = loadConfig({ CALLSTATS_STORE: 'duckdb:unused' });
const QUERIES = [
  { period: 'daily', q: { timezone: 'Pacific/Auckland', metrics: ['answered', 'asr', 'acd', 'billing_seconds', 'percentiles'] } },
  { period: 'monthly', q: { timezone: 'Asia/Kathmandu', grouping: 'callee_country', metrics: ['percentiles'] } },
  { period: 'weekly', q: { timezone: 'UTC', grouping: 'caller_region', filters: [{ name: 'unanswered', op: 'eq', val: false }] } },
  { period: 'hourly', q: { timezone: 'America/New_York', grouping: 'hangup_cause' } },
] as const;
const silent = makeOutput(true);

let server: ClickHouseServer | undefined;
let chdb: ChdbDir | undefined;
let source: Awaited<ReturnType<typeof freshStore>>;
let back: Awaited<ReturnType<typeof freshStore>>;
let chUrl: string;

async function answers(store: Store): Promise<unknown[]> {
  const out = [];
  for (const { period, q } of QUERIES) out.push(await statistics(store, undefined, period, parseApiQuery(q, CONFIG), CONFIG));
  return out;
}

before(async () => {
  // The same suite on the in-process 26.x engine: clickhouse-migrate-chdb.test.ts.
  if (onChdb()) chUrl = (chdb = chdbDir()).url;
  else {
    server = await startClickHouse();
    chUrl = `clickhouse://127.0.0.1:${server.httpPort}/migrated`;
  }
  source = await freshStore();
  back = await freshStore();
  await back.store.close();
  const cdrs = [
    ...syntheticCdrs({
      seed: 5,
      accounts: 4,
      totalCalls: 4000,
      from: new Date('2024-01-01T00:00:00Z'),
      to: new Date('2024-05-01T00:00:00Z'),
    }),
  ];
  const ndjson = Buffer.from(cdrs.map((c) => JSON.stringify(c)).join('\n'));
  const r = await ingestRecords(readRecordBatches([ndjson]), { store: source.store, zoneOf: source.zones.zoneOf });
  assert.equal(r.accepted, 4000);
  await createApiKey(source.store, '*', 'admin');
  const revoked = await createApiKey(source.store, cdrs[0].custom_channel_vars.account_id, null);
  assert.equal(await source.store.revokeKey(revoked.id), true);
  await createWebhookToken(source.store, cdrs[0].custom_channel_vars.account_id);
});

after(async () => {
  await server?.stop();
  chdb?.cleanup();
  await source?.cleanup().catch(() => undefined);
  await back?.cleanup().catch(() => undefined);
});

test('an interrupted migration resumes: complete accounts are skipped, present calls are not copied twice', async () => {
  const ch = new ClickHouseStore(chUrl);
  await ch.init();
  try {
    // The interruption: part of the first account arrived before the run stopped.
    const [first] = (await source.store.all({ sql: 'SELECT account_id FROM calls ORDER BY account_id LIMIT 1', params: [] })).map((r) =>
      String(r.account_id),
    );
    const calls: Call[] = [];
    for await (const call of source.store.exportCalls(first)) if (calls.push(call) >= 100) break;
    await ch.insertCalls(calls);
    const report = await migrate(source.store, ch, silent);
    assert.deepEqual(report.calls, { accounts: 4, accounts_complete: 0, copied: 3900, skipped: 100 });
    assert.deepEqual(report.mismatches, []);
    assert.deepEqual(report.keys, { copied: 2, revoked: 0 });
    assert.equal(report.webhook_tokens, 1);
    const again = await migrate(source.store, ch, silent);
    assert.deepEqual(again.calls, { accounts: 4, accounts_complete: 4, copied: 0, skipped: 0 });
    assert.deepEqual([again.keys, again.webhook_tokens], [{ copied: 0, revoked: 0 }, 0]);
    assert.deepEqual(await ch.listKeys(), await source.store.listKeys());
    assert.deepEqual(await ch.listWebhookTokens(), await source.store.listWebhookTokens());
    assert.deepEqual(await answers(ch), await answers(source.store));
  } finally {
    await ch.close();
  }
});

test('callstats migrate DuckDB → ClickHouse → DuckDB keeps every answer; exit 0, and 2 for one store twice', async () => {
  const before = await answers(source.store);
  const zones = await source.store.listZones();
  await source.store.close();
  assert.equal(await runMigrate({ from: `duckdb:${source.path}`, to: chUrl, json: true }), 0);
  assert.equal(await runMigrate({ from: chUrl, to: `duckdb:${back.path}`, json: true }), 0);
  assert.equal(await runMigrate({ from: chUrl, to: chUrl, json: true }), 2);
  const copy = new DuckDBStore(back.path);
  await copy.init();
  try {
    assert.deepEqual(await answers(copy), before);
    assert.deepEqual(await copy.listZones(), zones);
  } finally {
    await copy.close();
  }
});

test('a destination holding calls the source lacks fails the count check: exit 1', async () => {
  const ch = new ClickHouseStore(chUrl);
  await ch.init();
  const [{ account }] = await ch.accountCounts();
  const calls: Call[] = [];
  for await (const call of ch.exportCalls(account)) if (calls.push(call) >= 1) break;
  await ch.insertCalls([{ ...calls[0], call_id: 'only-in-destination' }]);
  await ch.close();
  assert.equal(await runMigrate({ from: `duckdb:${source.path}`, to: chUrl, json: true }), 1);
});
