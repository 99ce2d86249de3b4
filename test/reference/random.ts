/**
 * Seeded random data for differential tests: a small PRNG, random call sets that crowd the awkward
 * spots (DST days, transition instants ±1 s, duration ties, NULLs, hostile text), and — from
 * random-query.ts — random queries. Replay a failing run with CALLSTATS_TEST_SEED=<seed>.
 */
import type { Call } from '../../src/core/call.js';
import { offsetSegments } from '../../src/time/index.js';
import { call } from '../helpers/call.js';

export { randomQuery, type RandomQuery } from './random-query.js';

/** mulberry32: tiny, fast, good enough to spread test cases; the same seed gives the same run. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  /** A random subset in random order. */
  some<T>(xs: readonly T[], p = 0.5): T[] {
    return xs.filter(() => this.chance(p)).sort(() => this.next() - 0.5);
  }
}

/** The seed of this run: CALLSTATS_TEST_SEED when set (to replay), else a fresh one. Always printed. */
export function testSeed(label: string): number {
  const env = process.env.CALLSTATS_TEST_SEED;
  const seed = env !== undefined && env !== '' ? Number(env) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  console.log(`[${label}] seed ${seed} (replay with CALLSTATS_TEST_SEED=${seed})`);
  return seed;
}

/** Zones the random queries use; every one has DST, an odd offset, or both (UTC as the control). */
export const TEST_ZONES = [
  'Pacific/Auckland',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/Sao_Paulo',
  'UTC',
] as const;

/** Calls fall in [FROM, TO): a few years, so hourly answers stay under the bucket limit. */
export const FROM = Date.UTC(2015, 0, 1) / 1000;
export const TO = Date.UTC(2023, 0, 1) / 1000;

/** Every UTC offset change of the test zones in [FROM, TO). */
export function transitions(): number[] {
  const out = new Set<number>();
  for (const tz of TEST_ZONES) for (const s of offsetSegments(tz, FROM, TO).slice(1)) out.add(s.start);
  return [...out].sort((a, b) => a - b);
}

export const ACCOUNTS = ['acc-a', 'acc-b', 'acc-ü'] as const;

// Quotes, escapes, LIKE wildcards, case traps for ilike (İ, Σ, ǅ, ß), astral characters (byte order
// differs from UTF-16 order above U+FFFF), formula starters, empty text. Never the text "null": as a
// group key it would collide with the NULL group (SPEC 2.4 shows both as "null").
export const NAME_PARTS = [
  "O'Brien",
  '"Quoted"',
  '100%',
  'under_score',
  'back\\slash',
  'Zoë',
  'ΣΊΣΥΦΟΣ',
  'σίσυφος',
  'İstanbul',
  'istanbul',
  'ǅemal',
  'Straße',
  'STRASSE',
  '😀',
  '𝔘nicode',
  '\uFF21wide',
  '=SUM(A1)',
  '+64 3',
  'a',
  'A',
  'b',
  ' ',
  '%_\\',
  'Ωmega',
  'ωmega',
  'é',
  'e\u0301',
  '中文',
  'abc',
  'ABC',
  '',
];
const HANGUP = ['NORMAL_CLEARING', 'ORIGINATOR_CANCEL', 'NO_ANSWER', 'USER_BUSY', 'normal_clearing', 'CALL_REJECTED', ''];
const NUMBERS = ['+6434123456', '+6421555000', '+14155550100', '+442079460000', '1001', '0064 3 412', '', '+61 2 9999', '911'];
const DURATIONS = [0, 0, 1, 5, 6, 6, 7, 11, 30, 59, 60, 79, 3600];
const ID_PREFIXES = ['c', 'C', 'é', '𝔘', 'z', 'a_b', "q'", 'ﬀ', ''];
// Kazoo's fields. Interaction ids come from a small pool so that legs share calls, across buckets,
// groups and accounts too; a few differ only in case or by a LIKE wildcard.
const INTERACTIONS = ['63731095372-8d2b0b1e', '63731095372-8D2B0B1E', '63731095400-00000001', '63731095400-0000000_', 'i%1', 'é-2'];
const RESOURCE_TYPES = ['offnet-origination', 'offnet-termination', 'onnet-origination', 'onnet-termination', 'Offnet-Termination', ''];
const AUTHORIZING_TYPES = ['device', 'account', 'resource', 'user', 'callforward'];
const OWNERS = ['fedcba9876543210fedcba9876543210', '0123456789abcdef0123456789abcdef', 'ü'];
const HANGUP_CODES = ['sip:200', 'sip:487', 'sip:486', 'sip:404', 'SIP:487'];
const DISPOSITIONS = ['ANSWER', 'SEND_BYE', 'RECV_BYE', 'ORIGINATOR_CANCEL'];
const MEDIA_SERVERS = ['fs1.example.net', 'fs2.example.net', 'FS1.example.net'];

function randomText(rng: Rng): string {
  let s = '';
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) s += rng.pick(NAME_PARTS);
  return s;
}

/**
 * A random instant: anywhere, in one dense week (so buckets hold many calls and quantiles
 * interpolate over real spreads), on a transition day, or at a transition ±1 s.
 */
function randomTime(rng: Rng, marks: readonly number[], dense: number, earlier: readonly Call[]): number {
  const r = rng.next();
  if (r < 0.2) return rng.int(FROM, TO - 1);
  if (r < 0.35) return dense + rng.int(-3 * 86400, 3 * 86400);
  if (r < 0.7) return rng.pick(marks) + rng.int(-30 * 3600, 30 * 3600);
  if (r < 0.85) return rng.pick(marks) + rng.int(-1, 1);
  if (earlier.length > 0) return rng.pick(earlier).call_time; // an exact tie with another call
  return rng.int(FROM, TO - 1);
}

/** `n` random calls over ACCOUNTS with zone ids drawn from `zoneIds` (and NULL). */
export function randomCalls(rng: Rng, n: number, zoneIds: readonly number[]): Call[] {
  const marks = transitions();
  const dense = rng.pick(marks);
  const calls: Call[] = [];
  for (let i = 0; i < n; i++) {
    const duration = rng.chance(0.8) ? rng.pick(DURATIONS) : rng.int(0, 500);
    const billing = rng.chance(0.35) ? 0 : rng.int(0, duration);
    const nullable = <T>(p: number, v: () => T): T | null => (rng.chance(p) ? null : v());
    calls.push(
      call({
        account_id: rng.pick(ACCOUNTS),
        call_id: `${rng.pick(ID_PREFIXES)}${i}`,
        call_time: randomTime(rng, marks, dense, calls),
        call_direction: rng.pick(['inbound', 'outbound'] as const),
        caller_id_name: nullable(0.15, () => randomText(rng)),
        caller_id_number: nullable(0.1, () => rng.pick(NUMBERS)),
        callee_id_number: nullable(0.1, () => rng.pick(NUMBERS)),
        caller_zone_id: nullable(0.2, () => rng.pick(zoneIds)),
        callee_zone_id: nullable(0.2, () => rng.pick(zoneIds)),
        duration_seconds: duration,
        billing_seconds: billing,
        ringing_seconds: nullable(0.2, () => rng.int(0, 60)),
        // Mostly the ingest rule (billing 0 ⇔ unanswered), sometimes not, so acd must read `unanswered`.
        unanswered: rng.chance(0.05) ? billing !== 0 : billing === 0,
        hangup_cause: nullable(0.2, () => rng.pick(HANGUP)),
        interaction_id: nullable(0.3, () => (rng.chance(0.8) ? rng.pick(INTERACTIONS) : `${rng.pick(ID_PREFIXES)}-${rng.int(0, 40)}`)),
        other_leg_call_id: nullable(0.5, () => `${rng.pick(ID_PREFIXES)}${rng.int(0, n)}`),
        bridge_id: nullable(0.5, () => rng.pick(INTERACTIONS)),
        resource_type: nullable(0.3, () => rng.pick(RESOURCE_TYPES)),
        authorizing_type: nullable(0.3, () => rng.pick(AUTHORIZING_TYPES)),
        authorizing_id: nullable(0.4, () => rng.pick(OWNERS)),
        owner_id: nullable(0.4, () => rng.pick(OWNERS)),
        hangup_code: nullable(0.2, () => rng.pick(HANGUP_CODES)),
        disposition: nullable(0.2, () => rng.pick(DISPOSITIONS)),
        media_server: nullable(0.1, () => rng.pick(MEDIA_SERVERS)),
        reseller_id: nullable(0.5, () => rng.pick(OWNERS)),
      }),
    );
  }
  return calls;
}

/** A few real zone ids, including one with an empty description (region = country) if the table has one. */
export function pickZoneIds(rng: Rng, zones: readonly { id: number; country: string; description: string }[], n = 8): number[] {
  const out = new Set<number>();
  const empty = zones.filter((z) => z.description === '');
  if (empty.length > 0) out.add(rng.pick(empty).id);
  while (out.size < Math.min(n, zones.length)) out.add(rng.pick(zones).id);
  return [...out];
}
