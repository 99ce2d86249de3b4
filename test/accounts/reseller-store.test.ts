import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { MIGRATIONS as CH_MIGRATIONS, SCHEMA_VERSION_DDL } from '../../src/store/clickhouse/ddl.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { MIGRATIONS } from '../../src/store/duckdb/schema.js';
import type { Store } from '../../src/store/store.js';
import { startClickHouse, type ClickHouseServer } from '../helpers/clickhouse-server.js';
import { CHILD, GRANDCHILD, RESELLER } from './fixtures.js';

// The reseller model's records (subaccounts flags, parent links, webhook revocation) persist on both
// engines, and a store made by the release before them (DuckDB schema 3, ClickHouse schema 1)
// upgrades in place: its keys and tokens read as they were, without --subaccounts.
const HASH = 'ab'.repeat(32);
const oldKey = { id: '00000000000000a1', account: RESELLER, secret_hash: HASH, created_at: 1700000000, revoked: false, label: 'old' };
const oldToken = { id: '00000000000000b1', account: RESELLER, secret_hash: HASH, created_at: 1700000001, revoked: false };

/** What every engine must answer after the old records and the new ones were written and the store reopened. */
async function exercise(open: () => Promise<Store>): Promise<void> {
  let store = await open();
  assert.deepEqual(await store.listKeys(), [{ ...oldKey, subaccounts: false }]);
  assert.deepEqual(await store.listWebhookTokens(), [{ ...oldToken, subaccounts: false }]);

  await store.insertKey({ ...oldKey, id: '00000000000000a2', created_at: 1700000002, label: null, subaccounts: true });
  await store.insertWebhookToken({ ...oldToken, id: '00000000000000b2', created_at: 1700000003, subaccounts: true });
  const link = { account_id: CHILD, parent_id: RESELLER, created_at: 1700000004 };
  await store.addAccountParent(link);
  await store.addAccountParent({ ...link, created_at: 1700000009 });
  await store.addAccountParent({ account_id: GRANDCHILD, parent_id: CHILD, created_at: 1700000005 });
  assert.equal(await store.revokeWebhookToken('00000000000000b1'), true);
  assert.equal(await store.revokeWebhookToken('00000000000000b1'), false, 'a second revocation revokes nothing');
  assert.equal(await store.revokeWebhookToken('ffffffffffffffff'), false);
  assert.equal((await store.getWebhookToken('00000000000000b1'))?.revoked, true);
  await store.close();

  store = await open();
  try {
    assert.deepEqual(await store.listKeys(), [
      { ...oldKey, subaccounts: false },
      { ...oldKey, id: '00000000000000a2', created_at: 1700000002, label: null, subaccounts: true },
    ]);
    assert.deepEqual(await store.getKey('00000000000000a2'), {
      ...oldKey,
      id: '00000000000000a2',
      created_at: 1700000002,
      label: null,
      subaccounts: true,
    });
    assert.deepEqual(await store.listWebhookTokens(), [
      { ...oldToken, revoked: true, subaccounts: false },
      { ...oldToken, id: '00000000000000b2', created_at: 1700000003, subaccounts: true },
    ]);
    assert.deepEqual(await store.getWebhookToken('00000000000000b2'), {
      ...oldToken,
      id: '00000000000000b2',
      created_at: 1700000003,
      subaccounts: true,
    });
    assert.deepEqual(await store.listAccountParents(), [
      { account_id: GRANDCHILD, parent_id: CHILD, created_at: 1700000005 },
      { account_id: CHILD, parent_id: RESELLER, created_at: 1700000004 },
    ]);
  } finally {
    await store.close();
  }
}

test('DuckDB: a schema-3 store upgrades in place, and the reseller records persist across a reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callstats-reseller-'));
  try {
    const path = join(dir, 'old.duckdb');
    const instance = await DuckDBInstance.create(path);
    const c = await instance.connect();
    await c.run('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const [i, migration] of MIGRATIONS.slice(0, 3).entries()) {
      for (const stmt of migration) await c.run(stmt);
      await c.run(`INSERT INTO schema_version VALUES (${i + 1})`);
    }
    // Exactly as the schema-3 release wrote them (positional, no subaccounts column).
    await c.run(`INSERT INTO api_keys VALUES ('${oldKey.id}', '${RESELLER}', '${HASH}', ${oldKey.created_at}, false, 'old')`);
    await c.run(`INSERT INTO webhook_tokens VALUES ('${oldToken.id}', '${RESELLER}', '${HASH}', ${oldToken.created_at}, false)`);
    c.closeSync();
    instance.closeSync();
    await exercise(async () => {
      const s = new DuckDBStore(path);
      await s.init();
      return s;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('ClickHouse', () => {
  let server: ClickHouseServer;
  before(async () => {
    server = await startClickHouse();
  });
  after(() => server?.stop());

  const sql = async (query: string) => {
    const res = await fetch(`${server.url}/?database=old`, { method: 'POST', body: query });
    assert.equal(res.status, 200, await res.clone().text());
  };

  test('ClickHouse: a schema-1 store upgrades in place, and the reseller records persist across a reopen', async () => {
    await fetch(`${server.url}/`, { method: 'POST', body: 'CREATE DATABASE old' });
    await sql(SCHEMA_VERSION_DDL);
    for (const m of CH_MIGRATIONS.filter((m) => m.version <= 1)) {
      for (const stmt of m.statements({ database: 'old' })) await sql(stmt);
      await sql(`INSERT INTO schema_version (version, applied_at) VALUES (${m.version}, 0)`);
    }
    await sql(
      `INSERT INTO api_keys (id, account, secret_hash, created_at, revoked, label, version) VALUES ('${oldKey.id}', '${RESELLER}', '${HASH}', ${oldKey.created_at}, 0, 'old', 1)`,
    );
    await sql(
      `INSERT INTO webhook_tokens (id, account, secret_hash, created_at, revoked, version) VALUES ('${oldToken.id}', '${RESELLER}', '${HASH}', ${oldToken.created_at}, 0, 1)`,
    );
    await exercise(async () => {
      const s = new ClickHouseStore(`clickhouse://127.0.0.1:${server.httpPort}/old`);
      await s.init();
      return s;
    });
  });
});
