import { availableParallelism } from 'node:os';

/**
 * Runtime configuration, read from the environment (SPEC section 8); CLI flags override. This is
 * the one place that reads `CALLSTATS_*` variables: every other module takes its values from here.
 */
export interface Config {
  port: number;
  host: string;
  store: string;
  dateOrder: 'dmy' | 'mdy';
  defaultTimezone: string;
  defaultCountry: string | undefined;
  weekStart: 'monday' | 'sunday';
  /** `CALLSTATS_QUERY_TIMEOUT` (s, default 30): longest a store call may take before the request is a 503. */
  queryTimeoutMs: number;
  /**
   * `CALLSTATS_IMPORT_TIMEOUT` (s, default 600): longest one store call of `callstats import` may
   * take. A batch job waits longer than a request does: under load a 100,000-call batch's commit
   * can pass 30 s, and failing the whole import for it helps nobody (re-running it is safe).
   */
  importTimeoutMs: number;
  /** `CALLSTATS_SHUTDOWN_TIMEOUT` (s, default 10): drain deadline on SIGTERM/SIGINT. */
  shutdownTimeoutMs: number;
  /** `CALLSTATS_HEADERS_TIMEOUT` (s, default 20, at most the request timeout): request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** `CALLSTATS_REQUEST_TIMEOUT` (s, default 300): the whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  /** `CALLSTATS_KEEPALIVE_TIMEOUT` (s, default 72): an idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** `CALLSTATS_RATE_LIMIT` (requests/second per key, default 200; `0` disables). */
  rateLimit: number;
  /** `CALLSTATS_DUCKDB_MEMORY`: DuckDB's memory limit; unset, `serve` uses SERVE_DUCKDB_MEMORY and other commands DUCKDB_MEMORY. */
  duckdbMemory: string | undefined;
  /** `CALLSTATS_IMPORT_WORKERS` (default up to 2): NDJSON parsing threads of `import`; `0` parses on the main thread. */
  importWorkers: number;
  /** `CALLSTATS_INGEST_WORKERS` (default up to 2, at least 1): threads of `serve` that parse large HTTP ingest bodies. */
  ingestWorkers: number;
  /** `CALLSTATS_AMQP_URL`: when set, `serve` also consumes Kazoo's call events from this broker (`listen`'s default). */
  amqpUrl: string | undefined;
  /** `CALLSTATS_AMQP_QUEUE` (default `callstats.cdr`): the durable queue of the AMQP feed. */
  amqpQueue: string | undefined;
  /** `CALLSTATS_AMQP_QUEUE_TYPE` (`classic` default, or `quorum`): quorum queues keep Kazoo's transient events across a broker restart. */
  amqpQueueType: 'classic' | 'quorum';
  /** `CALLSTATS_KAZOO_TOKEN`: the crossbar token of `pull` when `--token` is not given (keeps it out of `ps`). */
  kazooToken: string | undefined;
  /** `CALLSTATS_LOG_LEVEL` (default `info`: one access line per request): pino log level of `serve`. */
  logLevel: string;
  /** `CALLSTATS_PUBLIC_URL`: the server's address as Kazoo reaches it (`https://stats.example.com`), for printed webhook URLs. */
  publicUrl: string | undefined;
  /** `CALLSTATS_METRICS_TOKEN`: when set, `GET /metrics` needs `Authorization: Bearer <it>`. */
  metricsToken: string | undefined;
  /** `CALLSTATS_MAINTENANCE_CALLS` (default 100000; `0` disables): `serve` sorts the new calls once this many wait. */
  maintenanceCalls: number;
  /** `CALLSTATS_MAINTENANCE_IDLE` (s, default 30): `serve` sorts waiting new calls once the first of them has waited this long. */
  maintenanceIdleMs: number;
  /**
   * `CALLSTATS_ANSWER_CACHE_MB` (`0` disables): bytes of statistics answers `serve` keeps; unset,
   * 64 where `serve` is the store's only writer (DuckDB, chdb) and off on a ClickHouse server.
   */
  answerCacheMb: number | undefined;
  /**
   * `CALLSTATS_STATS_ROWS_MAX` (unset: report/statistics.ts's STATS_ROWS_MAX; `0`: never): DuckDB
   * answers over at most this many matching calls are aggregated from their raw rows.
   */
  statsRowsMax?: number;
}

/** DuckDB's memory limit when CALLSTATS_DUCKDB_MEMORY is unset: CLI commands stay small. */
export const DUCKDB_MEMORY = '512MB';
/** The same for `serve`, which keeps the hot part of the store cached. */
export const SERVE_DUCKDB_MEMORY = '2GB';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dateOrder = (env.CALLSTATS_DATE_ORDER ?? 'dmy').toLowerCase();
  if (dateOrder !== 'dmy' && dateOrder !== 'mdy') {
    throw new Error(`CALLSTATS_DATE_ORDER must be dmy or mdy, not '${dateOrder}'`);
  }
  const weekStart = (env.CALLSTATS_WEEK_START ?? 'monday').toLowerCase();
  if (weekStart !== 'monday' && weekStart !== 'sunday') {
    throw new Error(`CALLSTATS_WEEK_START must be monday or sunday, not '${weekStart}'`);
  }
  const port = Number(env.CALLSTATS_PORT ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`CALLSTATS_PORT is not a port: '${env.CALLSTATS_PORT}'`);
  const rawRate = env.CALLSTATS_RATE_LIMIT;
  const rateLimit = rawRate === undefined || rawRate.trim() === '' ? 200 : Number(rawRate);
  if (!Number.isFinite(rateLimit) || rateLimit < 0) {
    throw new Error(`CALLSTATS_RATE_LIMIT must be a number of requests per second, not '${rawRate}'`);
  }
  // 300 s lets a 256 MiB ingest finish at ~1 MB/s (over loopback it takes a few seconds); 72 s of
  // keep-alive outlasts the 60 s idle timeout of common load balancers, so they never reuse a
  // connection the server is closing.
  const requestTimeoutMs = envSeconds(env, 'CALLSTATS_REQUEST_TIMEOUT', 300) * 1000;
  const amqpQueueType = (env.CALLSTATS_AMQP_QUEUE_TYPE ?? 'classic').toLowerCase();
  if (amqpQueueType !== 'classic' && amqpQueueType !== 'quorum') {
    throw new Error(`CALLSTATS_AMQP_QUEUE_TYPE must be classic or quorum, not '${amqpQueueType}'`);
  }
  return {
    port,
    amqpUrl: env.CALLSTATS_AMQP_URL || undefined,
    amqpQueue: env.CALLSTATS_AMQP_QUEUE || undefined,
    amqpQueueType,
    kazooToken: env.CALLSTATS_KAZOO_TOKEN || undefined,
    queryTimeoutMs: envSeconds(env, 'CALLSTATS_QUERY_TIMEOUT', 30) * 1000,
    importTimeoutMs: envSeconds(env, 'CALLSTATS_IMPORT_TIMEOUT', 600) * 1000,
    shutdownTimeoutMs: envSeconds(env, 'CALLSTATS_SHUTDOWN_TIMEOUT', 10) * 1000,
    headersTimeoutMs: Math.min(envSeconds(env, 'CALLSTATS_HEADERS_TIMEOUT', 20) * 1000, requestTimeoutMs),
    requestTimeoutMs,
    keepAliveTimeoutMs: envSeconds(env, 'CALLSTATS_KEEPALIVE_TIMEOUT', 72) * 1000,
    rateLimit,
    duckdbMemory: env.CALLSTATS_DUCKDB_MEMORY,
    importWorkers: Number(env.CALLSTATS_IMPORT_WORKERS ?? Math.min(2, availableParallelism())),
    ingestWorkers: Math.max(1, Number(env.CALLSTATS_INGEST_WORKERS ?? Math.min(2, availableParallelism())) || 1),
    logLevel: env.CALLSTATS_LOG_LEVEL || 'info',
    metricsToken: env.CALLSTATS_METRICS_TOKEN || undefined,
    maintenanceCalls: envCount(env, 'CALLSTATS_MAINTENANCE_CALLS', 100_000),
    maintenanceIdleMs: envSeconds(env, 'CALLSTATS_MAINTENANCE_IDLE', 30) * 1000,
    answerCacheMb: envMegabytes(env, 'CALLSTATS_ANSWER_CACHE_MB'),
    statsRowsMax: env.CALLSTATS_STATS_ROWS_MAX?.trim() ? envCount(env, 'CALLSTATS_STATS_ROWS_MAX', 0) : undefined,
    host: env.CALLSTATS_HOST ?? '127.0.0.1',
    store: env.CALLSTATS_STORE ?? 'duckdb:./data/callstats.duckdb',
    dateOrder,
    defaultTimezone: env.CALLSTATS_DEFAULT_TIMEZONE ?? 'UTC',
    defaultCountry: env.CALLSTATS_DEFAULT_COUNTRY?.toUpperCase() || undefined,
    weekStart,
    publicUrl: publicUrl(env.CALLSTATS_PUBLIC_URL),
  };
}

/** `CALLSTATS_PUBLIC_URL` without its trailing `/`; an http(s) URL, or unset. */
function publicUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new Error(`CALLSTATS_PUBLIC_URL must be an http(s) URL such as https://stats.example.com, not '${raw}'`);
  }
  return url.href.replace(/\/+$/, '');
}

/** A positive number of seconds from the environment, or the default. */
function envSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number of seconds, not '${raw}'`);
  return n;
}

/** A non-negative whole number from the environment, or the default. */
function envCount(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not '${raw}'`);
  return n;
}

/** A non-negative number of megabytes from the environment, or undefined when unset. */
function envMegabytes(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of megabytes (0 disables), not '${raw}'`);
  return n;
}
