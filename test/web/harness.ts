import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import { DEFAULT_WEB_ROOT } from '../../src/api/routes/dashboard.js';
import { demoParameters, DEMO_ACCOUNT_ID } from '../../src/demo/demo-account.js';
import { syntheticCdrs } from '../../src/demo/synthetic-cdrs.js';
import { ingestRecords, type RawRecord } from '../../src/ingest/index.js';
import { freshStore } from '../helpers/store.js';

/** Screenshots of every state the browser tests reach (gitignored; look at them). */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');

/** The demo's "now": fixed so the data spans Pacific/Auckland's DST start of 27 September 2026. */
export const DEMO_NOW = new Date('2026-12-01T00:00:00Z');

/**
 * Debian's chromium, headless, with nothing of its own talking to the network (DEVELOPERS.md), on
 * a fresh profile. Playwright takes the profile as `launchPersistentContext`'s folder, not as a flag.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'callstats-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Builds the page when this checkout has no build or src/web changed since (npm ci's `prepare`
 * normally built it), so the browser tests never run against a stale page.
 */
export async function ensureWebBuild(): Promise<void> {
  const index = join(DEFAULT_WEB_ROOT, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const src = fileURLToPath(new URL('../../src/web/', import.meta.url));
  const newest = Math.max(...readdirSync(src).map((f) => statSync(join(src, f)).mtimeMs));
  if (built > newest) return;
  const { buildWeb } = (await import(new URL('../../scripts/build-web.mjs', import.meta.url).href)) as {
    buildWeb(): Promise<unknown>;
  };
  await buildWeb();
}

/** A real server on a free loopback port over a temp DuckDB store holding the demo account. */
export async function demoServer(calls = 20_000): Promise<{
  app: FastifyInstance;
  origin: string;
  token: string;
  account: string;
  close(): Promise<void>;
}> {
  await ensureWebBuild();
  const config = loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' });
  const fresh = await freshStore(config.defaultCountry);
  async function* records(): AsyncGenerator<RawRecord> {
    let index = 0;
    for (const doc of syntheticCdrs(demoParameters(calls, DEMO_NOW))) yield { index: index++, doc };
  }
  await ingestRecords(records(), { store: fresh.store, zoneOf: fresh.zones.zoneOf });
  const app = await buildApp({ store: fresh.store, zones: fresh.zones, config });
  const { token } = await createApiKey(fresh.store, '*', 'browser test');
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app,
    origin,
    token,
    account: DEMO_ACCOUNT_ID,
    async close() {
      await app.close();
      await fresh.cleanup();
    },
  };
}

/** A new tab (its own sessionStorage: signed out) that records every request and console error. */
export async function recordingPage(
  context: BrowserContext,
  viewport = { width: 1280, height: 900 },
): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { page, requests, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
