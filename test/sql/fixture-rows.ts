/**
 * The rows both SQL fixtures load (duckdb-fixture.ts, clickhouse-fixture.ts): five calls chosen to
 * exercise NULLs, zones with and without a description, quotes, backslashes and case.
 */
import type { Call } from '../../src/core/call.js';
import { call as baseCall } from '../helpers/call.js';

/** One calls row. */
export type FixtureCall = Call;

// Each row names only the columns it sets; call() (test/helpers/call.ts) fills every other column of
// the registry (CALL_COLUMN_DEFS in src/core/call.ts) with its default, so a new column touches nothing here.
const call = (row: Partial<FixtureCall>): FixtureCall => baseCall({ account_id: 'acc', ...row });

export const FIXTURE_CALLS: readonly FixtureCall[] = [
  call({
    call_id: 'c1',
    call_time: 1457078400,
    call_direction: 'inbound',
    caller_id_name: 'Alice',
    caller_id_number: '+6434123456',
    callee_id_number: '+61212345678',
    caller_zone_id: 5023,
    callee_zone_id: 350554,
    duration_seconds: 60,
    billing_seconds: 55,
    ringing_seconds: 5,
    unanswered: false,
    hangup_cause: 'NORMAL_CLEARING',
  }),
  call({
    call_id: 'c2',
    call_time: 1457082000,
    call_direction: 'outbound',
    caller_id_name: 'bob%',
    caller_id_number: '100',
    callee_id_number: '+6491234567',
    callee_zone_id: 5024,
    duration_seconds: 0,
    billing_seconds: 0,
    unanswered: true,
  }),
  call({
    call_id: 'c3',
    call_time: 1457085600,
    call_direction: 'inbound',
    duration_seconds: 30,
    billing_seconds: 30,
    ringing_seconds: 10,
    unanswered: false,
    hangup_cause: 'USER_BUSY',
  }),
  call({
    call_id: 'c4',
    call_time: 1457089200,
    call_direction: 'outbound',
    caller_id_name: "O'Brien \\ x",
    caller_id_number: '+442071234567',
    callee_id_number: '+6434000000',
    caller_zone_id: 9001,
    callee_zone_id: 5023,
    duration_seconds: 120,
    billing_seconds: 100,
    ringing_seconds: 20,
    unanswered: false,
    hangup_cause: 'NORMAL_CLEARING',
  }),
  call({
    call_id: 'c5',
    call_time: 1457092800,
    call_direction: 'inbound',
    caller_id_name: 'ÉLODIE',
    caller_id_number: '+61400000000',
    callee_id_number: '200',
    caller_zone_id: 350554,
    duration_seconds: 15,
    billing_seconds: 0,
    ringing_seconds: 15,
    unanswered: true,
    hangup_cause: 'NO_ANSWER',
  }),
];

/** One zones row. */
export interface FixtureZone {
  id: number;
  prefix: string;
  country: string;
  description: string;
  source: string;
  active: boolean;
}

export const FIXTURE_ZONES: readonly FixtureZone[] = [
  { id: 5023, prefix: '643412', country: 'New Zealand', description: 'Balclutha', source: 'default', active: true },
  { id: 5024, prefix: '643413', country: 'New Zealand', description: 'Clinton', source: 'default', active: true },
  { id: 350554, prefix: '614', country: 'Australia', description: 'Mobile', source: 'default', active: true },
  { id: 9001, prefix: '44', country: 'United Kingdom', description: '', source: 'custom', active: true },
];
