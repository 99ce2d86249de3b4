import { randomBytes } from 'node:crypto';
import { ensureAdminKey } from '../accounts/tokens.js';
import { buildApp } from '../api/app.js';
import { SERVE_DUCKDB_MEMORY, type Config } from '../core/config.js';
import { Metrics } from '../core/metrics.js';
import { ZoneService } from '../zones/zone-service.js';
import { openStore, parseStoreLocation, serverHandlePath, writeServerHandle } from '../store/open-store.js';
import { readHandleFile, staleReason } from '../store/remote/server-handle.js';
import { timedStore } from '../store/timed-store.js';
import { writeScopeStore } from '../store/write-scope-store.js';
import { AnswerCache, answerCacheBytes } from '../report/answer-cache.js';
import { loadDemo } from './demo.js';
import { startAmqpFeed, type AmqpFeed } from '../feeds/amqp-feed.js';
import type { Store } from '../store/store.js';
import { startMaintenance, type MaintenanceLoop } from './maintenance-loop.js';

export interface ServeOptions {
  config: Config;
  /** `npm start` and `demo`: load the demo account when the store has no calls. */
  demoIfEmpty?: boolean;
  demoCalls?: number;
  log?: (line: string) => void;
  /** Kazoo's RabbitMQ (`CALLSTATS_AMQP_URL`): also consume CHANNEL_DESTROY events while serving (docs/feeds.md). */
  amqpUrl?: string;
  /** Where the JSON log lines go (default stdout); tests capture them. */
  logStream?: NodeJS.WritableStream;
}

/** `callstats serve`: opens the store, prints a first admin key if there is none, and listens. */
export async function runServe(opts: ServeOptions): Promise<{ close(): Promise<void>; url: string }> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const { config } = opts;
  const metrics = new Metrics();
  let opened: Store;
  try {
    opened = await openStore(config.store, {
      duckdbMemory: config.duckdbMemory ?? SERVE_DUCKDB_MEMORY,
      queryTimeoutMs: config.queryTimeoutMs,
    });
  } catch (err) {
    // The process exits on this (cli/main.ts prints the error too): say which store, without its password.
    log(`callstats: cannot open the store ${redactStore(config.store)}: ${(err as Error)?.message ?? String(err)}`);
    throw err;
  }
  // Every write of this process passes the answer cache's hook, before any other part gets the store.
  const answerCache = new AnswerCache(answerCacheBytes(config.answerCacheMb, parseStoreLocation(config.store).kind !== 'clickhouse'));
  const store = writeScopeStore(timedStore(opened, metrics.observeStore), answerCache.invalidate);
  const zones = await ZoneService.open(store, config.defaultCountry);
  if (opts.demoIfEmpty && (await store.countCalls()) === 0) {
    log('callstats: the store is empty; loading the demo account ...');
    const demo = await loadDemo(store, zones, opts.demoCalls ?? 20_000);
    log(`callstats: demo account ${demo.account} loaded with ${demo.accepted} calls`);
  }
  const admin = await ensureAdminKey(store);
  const controlToken = randomBytes(24).toString('base64url');
  const logger = { level: config.logLevel, ...(opts.logStream ? { stream: opts.logStream } : {}) };
  const app = await buildApp({ store, zones, config, controlToken, answerCache }, { logger, metrics });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const location = parseStoreLocation(config.store);
  await replaceStaleHandle(serverHandlePath(location), log);
  const removeHandle = writeServerHandle(location, {
    url: `http://127.0.0.1:${port}`,
    controlToken,
    pid: process.pid,
    dialect: store.dialect,
  });
  log(`callstats: serving ${redactStore(config.store)} on ${url}`);
  if (admin) {
    log(`callstats: created an all-accounts API key (shown once, keep it): ${admin.token}`);
    log(`  try: curl -H 'X-Auth-Token: ${admin.token}' ${url}/v2/accounts/ACCOUNT_ID/call_statistics/countries`);
  }
  const maintenance = startMaintenance(store, { calls: config.maintenanceCalls, idleMs: config.maintenanceIdleMs }, log, (seconds) =>
    metrics.compacted(seconds),
  );
  const amqpUrl = opts.amqpUrl ?? config.amqpUrl;
  const feed = amqpUrl ? startFeed(amqpUrl, config, store, zones, log, metrics) : undefined;
  if (feed) metrics.watchFeed(() => feed.stats);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= Promise.all([feed?.stop(), drain(app, store, maintenance, config.shutdownTimeoutMs, removeHandle, log, feed)]).then(
      () => undefined,
    ));
  return { close, url };
}

/**
 * The shutdown of SPEC 9: stop accepting (new requests on open connections get a 503 in the
 * envelope), let in-flight requests finish until `deadlineMs`, then cut the rest; wait a moment
 * for their handlers to let go of the store, and close it (DuckDB checkpoints on close). Every
 * batch acknowledged with a 2xx committed before its answer was sent, so nothing acknowledged is
 * lost, and a cut request was never acknowledged.
 */
async function drain(
  app: Awaited<ReturnType<typeof buildApp>>,
  store: Store,
  maintenance: MaintenanceLoop,
  deadlineMs: number,
  removeHandle: () => void,
  log: (line: string) => void,
  feed?: AmqpFeed,
): Promise<void> {
  const started = Date.now();
  removeHandle();
  app.drain.closing = true;
  maintenance.stop();
  const closed = app.close();
  let timer: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([
    closed.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs))),
  ]);
  clearTimeout(timer);
  if (!inTime) {
    log(`callstats: ${app.drain.pending} requests still running after ${deadlineMs / 1000} s (CALLSTATS_SHUTDOWN_TIMEOUT); cutting them`);
    app.server.closeAllConnections();
  }
  // A cut request's handler may still hold a store call (each bounded by CALLSTATS_QUERY_TIMEOUT);
  // its connection is gone, so its answer would reach nobody. A short grace, then the store closes.
  await app.drain.idle(inTime ? deadlineMs : 750);
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 250).unref())]);
  // A maintenance step is one transaction: waited for until the deadline, else left uncommitted.
  // Closing the store under it blocks the event loop until it ends, so the process then exits
  // without closing: every acknowledged batch is committed in the WAL, which DuckDB replays on the
  // next open, and the unfinished step leaves no trace (the new calls stay in the tail).
  const left = Math.max(0, deadlineMs - (Date.now() - started));
  await Promise.race([maintenance.current(), new Promise((resolve) => setTimeout(resolve, left).unref())]);
  if (maintenance.busy || app.drain.pending > 0) {
    // The same holds for a cut request's store call that outlived the grace.
    log(
      maintenance.busy
        ? 'callstats: a maintenance step is still running; leaving it uncommitted (the store is unchanged by it)'
        : `callstats: ${app.drain.pending} cut requests still hold the store; exiting without closing it (the WAL holds every acknowledged batch)`,
    );
    return;
  }
  // The AMQP feed commits and acks the batch in hand before the store closes (what it has not acked, RabbitMQ keeps).
  await feed?.stop();
  await store.close();
}

/** The AMQP consumer inside `serve`; its queue comes from CALLSTATS_AMQP_QUEUE / CALLSTATS_AMQP_QUEUE_TYPE. */
function startFeed(url: string, config: Config, store: Store, zones: ZoneService, log: (line: string) => void, metrics: Metrics): AmqpFeed {
  return startAmqpFeed({ url, store, zoneOf: zones.zoneOf, queue: config.amqpQueue, queueType: config.amqpQueueType, log, metrics });
}

/**
 * A `.server.json` left by a server that died without removing it. This process holds the DuckDB
 * file, so no other server can be serving it: the old handle is stale, said so, and replaced.
 */
async function replaceStaleHandle(path: string | undefined, log: (line: string) => void): Promise<void> {
  const old = path ? readHandleFile(path) : undefined;
  if (!old) return;
  const why = (await staleReason(old)) ?? `pid ${old.pid} answers, but this process holds the store`;
  log(`callstats: replacing the stale server handle ${path} (${why})`);
}

/** The store setting without a password (`clickhouse://user:secret@host` → `clickhouse://user:***@host`). */
export function redactStore(value: string): string {
  return value.replace(/^(clickhouse:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
