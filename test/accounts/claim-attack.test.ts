import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey, createWebhookToken } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import type { Store } from '../../src/store/store.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import { startClickHouse, type ClickHouseServer } from '../helpers/clickhouse-server.js';
import { freshStore } from '../helpers/store.js';
import { channelDestroy, RESELLER } from './fixtures.js';

// The claim attack (docs/accounts.md, "Trust"): whoever can read R's `--subaccounts` hook URI posts
// a CDR naming a stranger's account X, then reads X's calls with R's `--subaccounts` key. A hook may
// adopt only an account the store has never seen; these pin that on both engines.
const HAD_CALLS = 'a1000000000000000000000000000001';
const HAD_KEY = 'a2000000000000000000000000000002';
const HAD_HOOK = 'a3000000000000000000000000000003';
const HAD_PARENT = 'a4000000000000000000000000000004';
const OTHER_RESELLER = 'b0000000000000000000000000000000';
const FRESH = 'c0000000000000000000000000000000';
const why = (account: string, what: string) =>
  `account_id: ${account} ${what}; a --subaccounts webhook adopts only accounts callstats has not seen ` +
  `(an operator links it with 'callstats import --parent ${RESELLER}' or 'pull --descendants')`;

function attack(engine: string, open: () => Promise<{ store: Store; close(): Promise<void> }>): void {
  describe(`${engine}: a --subaccounts hook cannot claim a stranger's account`, () => {
    let app: FastifyInstance;
    let store: Store;
    let close: () => Promise<void>;
    let readerKey: string;
    let hookToken: string;
    before(async () => {
      ({ store, close } = await open());
      const zones = await ZoneService.open(store, undefined);
      app = await buildApp({ store, zones, config: loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' }) });
      readerKey = (await createApiKey(store, RESELLER, 'reseller', true)).token;
      hookToken = (await createWebhookToken(store, RESELLER, true)).token;
      // What X's owners did first, each in their own way.
      const own = (await createWebhookToken(store, HAD_CALLS)).token;
      assert.equal((await hook(own, channelDestroy(HAD_CALLS, 'own-1'))).json().data.accepted, 1);
      await createApiKey(store, HAD_KEY, 'own key');
      await createWebhookToken(store, HAD_HOOK);
      const other = (await createWebhookToken(store, OTHER_RESELLER, true)).token;
      assert.equal((await hook(other, channelDestroy(HAD_PARENT, 'own-2'))).json().data.accepted, 1);
    });
    after(async () => {
      await app?.close();
      await close?.();
    });

    const hook = (token: string, payload: unknown) =>
      app.inject({ method: 'POST', url: `/v2/webhooks/${token}/channel_destroy`, payload: payload as object });
    const read = (account: string) =>
      app.inject({
        method: 'GET',
        url: `/v2/accounts/${account}/call_statistics/monthly`,
        headers: { 'x-auth-token': readerKey },
      });
    const listed = async () =>
      (
        (await app.inject({ method: 'GET', url: '/v2/accounts', headers: { 'x-auth-token': readerKey } })).json().data as { id: string }[]
      ).map((a) => a.id);

    for (const [name, victim, reason, calls] of [
      ['X had calls first', HAD_CALLS, 'already has calls stored under it', 1],
      ['X had a key first', HAD_KEY, 'has an API key of its own', 0],
      ['X had a webhook first', HAD_HOOK, 'has a webhook token of its own', 0],
      ['X had another parent first', HAD_PARENT, `already belongs to account ${OTHER_RESELLER}, outside ${RESELLER}'s tree`, 1],
    ] as const) {
      test(`${name}: the CDR naming X is rejected with the reason, nothing is stored, and R's key still gets 403 on X`, async () => {
        const res = await hook(hookToken, channelDestroy(victim, `claim-${victim}`));
        assert.equal(res.statusCode, 200);
        // The attack itself first: with the old rule R's key read X here (200).
        const denied = await read(victim);
        assert.equal(denied.statusCode, 403, "R's key must not read X");
        assert.deepEqual(denied.json().data, { account: 'this key may not access this account' });
        assert.deepEqual(res.json().data, {
          accepted: 0,
          duplicates: 0,
          rejected: [{ index: 0, reason: victim === HAD_PARENT ? `account_id: ${victim} ${reason}` : why(victim, reason) }],
          rejected_count: 1,
          skipped: 0,
        });
        assert.equal(await store.countCalls(victim), calls, 'nothing stored for the claimed account');
        assert.equal((await listed()).includes(victim), false);
        assert.equal(
          (await store.listAccountParents()).some((l) => l.account_id === victim && l.parent_id === RESELLER),
          false,
          'no link to R recorded',
        );
      });
    }

    test('an account never seen before is adopted, and its next CDRs are accepted without another link', async () => {
      for (const id of ['fresh-1', 'fresh-2']) {
        assert.equal((await hook(hookToken, channelDestroy(FRESH, id))).json().data.accepted, 1, id);
      }
      assert.deepEqual(
        (await store.listAccountParents()).filter((l) => l.account_id === FRESH).map((l) => l.parent_id),
        [RESELLER],
      );
      assert.equal((await read(FRESH)).statusCode, 200);
      assert.deepEqual(await listed(), [RESELLER, FRESH]);
    });
  });
}

attack('DuckDB', async () => {
  const fresh = await freshStore();
  return { store: fresh.store, close: fresh.cleanup };
});

let server: ClickHouseServer | undefined;
attack('ClickHouse 18.16', async () => {
  server = await startClickHouse();
  const store = new ClickHouseStore(`clickhouse://127.0.0.1:${server.httpPort}/callstats`);
  await store.init();
  return {
    store,
    async close() {
      await store.close();
      await server?.stop();
    },
  };
});
