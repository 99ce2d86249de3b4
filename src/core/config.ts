/** Runtime configuration, read from the environment (SPEC section 8); CLI flags override. */
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
  /** `CALLSTATS_SHUTDOWN_TIMEOUT` (s, default 10): drain deadline on SIGTERM/SIGINT. */
  shutdownTimeoutMs: number;
}

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
  return {
    port,
    queryTimeoutMs: envSeconds(env, 'CALLSTATS_QUERY_TIMEOUT', 30) * 1000,
    shutdownTimeoutMs: envSeconds(env, 'CALLSTATS_SHUTDOWN_TIMEOUT', 10) * 1000,
    host: env.CALLSTATS_HOST ?? '127.0.0.1',
    store: env.CALLSTATS_STORE ?? 'duckdb:./data/callstats.duckdb',
    dateOrder,
    defaultTimezone: env.CALLSTATS_DEFAULT_TIMEZONE ?? 'UTC',
    defaultCountry: env.CALLSTATS_DEFAULT_COUNTRY?.toUpperCase() || undefined,
    weekStart,
  };
}

/** A positive number of seconds from the environment, or the default. */
export function envSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number of seconds, not '${raw}'`);
  return n;
}
