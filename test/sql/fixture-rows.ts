/**
 * The rows both SQL fixtures load (duckdb-fixture.ts, clickhouse-fixture.ts): five calls chosen to
 * exercise NULLs, zones with and without a description, quotes, backslashes and case.
 */
import type { Call } from '../../src/core/call.js';
import { call as baseCall } from '../helpers/call.js';

/** One calls row. */
export type FixtureCall = Call;

type Row = [
  call_id: string,
  call_time: number,
  call_direction: FixtureCall['call_direction'],
  caller_id_name: string | null,
  caller_id_number: string | null,
  callee_id_number: string | null,
  caller_zone_id: number | null,
  callee_zone_id: number | null,
  duration_seconds: number,
  billing_seconds: number,
  ringing_seconds: number | null,
  unanswered: boolean,
  hangup_cause: string | null,
];

const call = (...r: Row): FixtureCall => {
  const [call_id, call_time, call_direction, caller_id_name, caller_id_number, callee_id_number, caller_zone_id, callee_zone_id] = r;
  const [, , , , , , , , duration_seconds, billing_seconds, ringing_seconds, unanswered, hangup_cause] = r;
  return baseCall({
    account_id: 'acc',
    call_id,
    call_time,
    call_direction,
    caller_id_name,
    caller_id_number,
    callee_id_number,
    caller_zone_id,
    callee_zone_id,
    duration_seconds,
    billing_seconds,
    ringing_seconds,
    unanswered,
    hangup_cause,
  });
};

export const FIXTURE_CALLS: readonly FixtureCall[] = [
  call('c1', 1457078400, 'inbound', 'Alice', '+6434123456', '+61212345678', 5023, 350554, 60, 55, 5, false, 'NORMAL_CLEARING'),
  call('c2', 1457082000, 'outbound', 'bob%', '100', '+6491234567', null, 5024, 0, 0, null, true, null),
  call('c3', 1457085600, 'inbound', null, null, null, null, null, 30, 30, 10, false, 'USER_BUSY'),
  call('c4', 1457089200, 'outbound', "O'Brien \\ x", '+442071234567', '+6434000000', 9001, 5023, 120, 100, 20, false, 'NORMAL_CLEARING'),
  call('c5', 1457092800, 'inbound', 'ÉLODIE', '+61400000000', '200', 350554, null, 15, 0, 15, true, 'NO_ANSWER'),
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
