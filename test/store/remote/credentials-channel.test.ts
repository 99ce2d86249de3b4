import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../../src/api/app.js';
import { checkLabel } from '../../../src/cli/keys.js';
import { loadConfig } from '../../../src/core/config.js';
import { RemoteStore } from '../../../src/store/remote/remote-store.js';
import type { ApiKeyRecord } from '../../../src/store/store.js';
import { freshStore } from '../../helpers/store.js';

// The control channel carries credential records exactly (docs/accounts.md): whatever a key's fields
// hold reaches the server's store and comes back unchanged — the issue saw `cc` → `d` and
// `viaserver` → `viaserv\u0000\u0000`. The CLI itself refuses control characters in labels.
let fresh: Awaited<ReturnType<typeof freshStore>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let remote: RemoteStore;

before(async () => {
  fresh = await freshStore();
  const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' });
  app = await buildApp({ store: fresh.store, zones: fresh.zones, config, controlToken: 'control-token-for-test' });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  remote = new RemoteStore({ url, controlToken: 'control-token-for-test', pid: process.pid, dialect: 'duckdb' });
});
after(async () => {
  await app?.close();
  await fresh?.cleanup();
});

const key = (id: string, account: string, label: string | null, subaccounts: boolean): ApiKeyRecord => ({
  id,
  account,
  secret_hash: 'cd'.repeat(32),
  created_at: 1700000000 + Number.parseInt(id.slice(-2), 16),
  revoked: false,
  label,
  subaccounts,
});

test('keys written through the channel read back exactly, on both sides: short, non-ASCII, 1 KiB, empty, null, NUL', async () => {
  const keys = [
    key('00000000000000c1', 'cc', 'viaserver', false),
    key('00000000000000c2', '026f4f0a6d99f9a19b6aa4aa75501d7d', 'Zoë – 東京 📞 e\u0301', true),
    key('00000000000000c3', 'd', 'é'.repeat(512), false),
    key('00000000000000c4', '*', '', false),
    key('00000000000000c5', 'x', null, false),
    key('00000000000000c6', 'y', 'nul\u0000inside', false),
  ];
  for (const k of keys) await remote.insertKey(k);
  assert.deepEqual(await remote.listKeys(), keys);
  assert.deepEqual(await fresh.store.listKeys(), keys);
  for (const k of keys) assert.deepEqual(await remote.getKey(k.id), k);
});

test('webhook tokens, their revocation and reseller links travel the channel too', async () => {
  const token = {
    id: '00000000000000d1',
    account: 'cc',
    secret_hash: 'ef'.repeat(32),
    created_at: 1700000100,
    revoked: false,
    subaccounts: true,
  };
  await remote.insertWebhookToken(token);
  assert.equal(await remote.revokeWebhookToken(token.id), true);
  assert.equal(await remote.revokeWebhookToken(token.id), false);
  assert.deepEqual(await fresh.store.getWebhookToken(token.id), { ...token, revoked: true });
  await remote.addAccountParent({ account_id: 'child-ü', parent_id: 'cc', created_at: 1700000200 });
  assert.deepEqual(await remote.listAccountParents(), [{ account_id: 'child-ü', parent_id: 'cc', created_at: 1700000200 }]);
});

test('the CLI refuses a label with a control character (NUL included) or over 1 KiB, and stores an empty one as none', () => {
  const refused = { problem: '--label: must not contain control characters (NUL, tab, newline, escape)' };
  for (const label of ['nul\u0000inside', 'line\nbreak', 'esc\u001b[2J', 'del\u007f']) assert.deepEqual(checkLabel(label), refused, label);
  assert.deepEqual(checkLabel('é'.repeat(512)), { label: 'é'.repeat(512) });
  assert.deepEqual(checkLabel(`${'é'.repeat(512)}x`), { problem: '--label: longer than 1024 bytes' });
  assert.deepEqual(checkLabel(''), { label: null });
  assert.deepEqual(checkLabel(undefined), { label: null });
});
