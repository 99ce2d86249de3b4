import type { SyntheticOptions } from './synthetic-cdrs.js';

/** The demo account's id: 32 hex digits like every Kazoo account id, recognisable by its 'de30' ("demo") start. */
export const DEMO_ACCOUNT_ID = 'de300000000000000000000000000001';
/** Default number of demo calls (`callstats demo --calls N` overrides). */
const DEMO_CALLS = 20_000;
/** How far back the demo data reaches. */
const DEMO_MONTHS = 6;
/** Fixed seed: every newcomer sees the same demo numbers (dates shift with today). */
const DEMO_SEED = 2600;

/**
 * Parameters for the demo account: one New Zealand business (NZ numbers, Pacific/Auckland
 * business hours) with `calls` calls over the `DEMO_MONTHS` months ending at `now`.
 */
export function demoParameters(calls: number = DEMO_CALLS, now: Date = new Date()): SyntheticOptions {
  const from = new Date(now);
  from.setUTCMonth(from.getUTCMonth() - DEMO_MONTHS);
  return {
    seed: DEMO_SEED,
    accounts: [{ id: DEMO_ACCOUNT_ID, calls, timezone: 'Pacific/Auckland' }],
    from,
    to: now,
  };
}
