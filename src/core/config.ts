/** Runtime configuration, read from the environment (SPEC section 8); CLI flags override. */
export interface Config {
  port: number;
  host: string;
  store: string;
  dateOrder: 'dmy' | 'mdy';
  defaultTimezone: string;
  defaultCountry: string | undefined;
  weekStart: 'monday' | 'sunday';
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
    host: env.CALLSTATS_HOST ?? '127.0.0.1',
    store: env.CALLSTATS_STORE ?? 'duckdb:./data/callstats.duckdb',
    dateOrder,
    defaultTimezone: env.CALLSTATS_DEFAULT_TIMEZONE ?? 'UTC',
    defaultCountry: env.CALLSTATS_DEFAULT_COUNTRY?.toUpperCase() || undefined,
    weekStart,
  };
}
