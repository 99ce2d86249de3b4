import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig, type Config } from '../../src/core/config.js';
import { freshStore } from './store.js';

/** A built app on a fresh DuckDB store with an all-accounts key (`token`) for inject tests. */
export async function testApp(env: Record<string, string> = {}): Promise<{
  app: FastifyInstance;
  token: string;
  config: Config;
  store: Awaited<ReturnType<typeof freshStore>>['store'];
  close(): Promise<void>;
}> {
  const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', ...env });
  const fresh = await freshStore(config.defaultCountry);
  const app = await buildApp({ store: fresh.store, zones: fresh.zones, config });
  const { token } = await createApiKey(fresh.store, '*', 'test admin');
  return {
    app,
    token,
    config,
    store: fresh.store,
    async close() {
      await app.close();
      await fresh.cleanup();
    },
  };
}
