import type { Prng } from './prng.js';
import { type DemoCountry, e164, personName } from './phone-plan.js';

/** Time zones the synthetic accounts live in, each with the country its customers mostly call. */
export const DEMO_TIME_ZONES = {
  'Pacific/Auckland': 'NZ',
  'Australia/Sydney': 'AU',
  'America/New_York': 'US',
  'Europe/London': 'GB',
} as const satisfies Record<string, DemoCountry>;
export type DemoTimeZone = keyof typeof DEMO_TIME_ZONES;

/** One account to generate calls for; `timezone` is picked from the seed when absent. */
export interface AccountSpec {
  id: string;
  calls: number;
  timezone?: DemoTimeZone;
}

export interface DemoUser {
  extension: string;
  name: string;
  /** The user's direct-dial number (E.164). */
  did: string;
  ownerId: string;
  deviceId: string;
  username: string;
}

/** Everything per account that stays the same across its calls. */
export interface SyntheticAccount {
  id: string;
  calls: number;
  timezone: DemoTimeZone;
  country: DemoCountry;
  realm: string;
  /** `account%2Fxx%2Fyy%2Frest`: the prefix of the account's monthly CDR database name. */
  dbPrefix: string;
  mainNumber: string;
  users: DemoUser[];
  /** Carrier resource ids for off-net legs. */
  resources: string[];
  mediaServers: string[];
  /** The Kazoo ecallmgr node in front of each media server. */
  ecallmgrNodes: string[];
  /** MAC-like node part of the account's v1 UUID call ids. */
  uuidNode: string;
}

function hex32(rng: Prng): string {
  return rng.hex8() + rng.hex8() + rng.hex8() + rng.hex8();
}

/**
 * Splits `total` calls over `count` accounts Zipf-like (weight 1/rank): with 50 accounts the largest
 * has ~22 % of calls and the smallest ~0.5 %, like a real platform's long tail of small customers.
 */
export function zipfSplit(total: number, count: number): number[] {
  const weights = Array.from({ length: count }, (_, i) => 1 / (i + 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const calls = exact.map(Math.floor);
  // Largest remainder, so the parts add up to `total` exactly.
  let left = total - calls.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % count, left--) calls[order[k][1]]++;
  return calls;
}

/** Expands account specs (or a count of accounts) into fixed per-account data, deterministically. */
export function buildAccounts(rng: Prng, accounts: AccountSpec[] | number, totalCalls?: number): SyntheticAccount[] {
  const specs: AccountSpec[] =
    typeof accounts === 'number'
      ? zipfSplit(totalCalls ?? 10_000 * accounts, accounts).map((calls) => ({ id: hex32(rng), calls }))
      : accounts;
  const zones = Object.keys(DEMO_TIME_ZONES) as DemoTimeZone[];
  return specs.map((spec) => {
    const timezone = spec.timezone ?? rng.pick(zones);
    const country = DEMO_TIME_ZONES[timezone];
    const label = `${rng.hex8().slice(0, 6)}`;
    // A handful of users for a small account, a few hundred for a call centre.
    const userCount = Math.max(4, Math.min(300, Math.round(spec.calls / 300)));
    const firstExtension = userCount > 80 ? 2000 : rng.pick([100, 200, 1000, 1000, 4000]);
    const users: DemoUser[] = [];
    for (let i = 0; i < userCount; i++) {
      users.push({
        extension: String(firstExtension + i),
        name: personName(rng),
        did: e164(rng, country),
        ownerId: hex32(rng),
        deviceId: hex32(rng),
        username: `user_${rng.hex8().slice(0, 6)}`,
      });
    }
    return {
      id: spec.id,
      calls: spec.calls,
      timezone,
      country,
      realm: `${label}.sip.${country.toLowerCase()}.example.net`,
      dbPrefix: `account%2F${spec.id.slice(0, 2)}%2F${spec.id.slice(2, 4)}%2F${spec.id.slice(4)}`,
      mainNumber: e164(rng, country),
      users,
      resources: [hex32(rng), hex32(rng)],
      mediaServers: [1, 2].map((n) => `fs${n}.${country.toLowerCase()}.example.net`),
      ecallmgrNodes: [1, 2].map((n) => `ecallmgr@kz${n}.${country.toLowerCase()}.example.net`),
      uuidNode: rng.hex8() + rng.hex8().slice(0, 4),
    };
  });
}
