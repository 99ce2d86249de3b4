/**
 * The in-memory reference for the records export (SPEC 2.5): the matching calls ordered by
 * call_time then call_id in UTF-8 byte order, each formatted here (not with src's toRecord, which
 * is under test): local call_time with the instant's own offset, region names from the zone lookup.
 */
import type { Call } from '../../src/core/call.js';
import type { ParsedQuery } from '../../src/query/parse-query.js';
import type { RecordRow } from '../../src/report/records.js';
import { refRegion, type RefLowerCase, type ZoneLookup } from './reference-filter.js';
import { refSelect } from './reference-stats.js';
import { refCallTime } from './reference-time.js';

/** Export order: call_time, then call_id by bytes. */
export function refRecordOrder(a: Call, b: Call): number {
  if (a.call_time !== b.call_time) return a.call_time - b.call_time;
  return Buffer.compare(Buffer.from(a.call_id, 'utf8'), Buffer.from(b.call_id, 'utf8'));
}

/** Every record `streamRecords` yields for the query, in order. */
export function referenceRecords(
  calls: readonly Call[],
  account: string | undefined,
  query: ParsedQuery,
  dateOrder: 'dmy' | 'mdy',
  zone: ZoneLookup,
  lower: RefLowerCase = 'simple',
): RecordRow[] {
  const region = (id: number | null) => {
    const z = id === null ? undefined : zone(id);
    return z ? refRegion(z) : null;
  };
  return refSelect(calls, account, query, zone, lower)
    .sort(refRecordOrder)
    .map((c) => ({
      call_id: c.call_id,
      call_time: refCallTime(c.call_time, query.timezone, query.timeFormat, dateOrder),
      call_direction: c.call_direction,
      caller_id_name: c.caller_id_name,
      caller_id_number: c.caller_id_number,
      caller_zone_id: c.caller_zone_id,
      caller_region: region(c.caller_zone_id),
      callee_id_number: c.callee_id_number,
      callee_zone_id: c.callee_zone_id,
      callee_region: region(c.callee_zone_id),
      duration_seconds: c.duration_seconds,
      billing_seconds: c.billing_seconds,
      ringing_seconds: c.ringing_seconds,
      unanswered: c.unanswered ? 1 : 0,
      hangup_cause: c.hangup_cause,
      interaction_id: c.interaction_id,
      other_leg_call_id: c.other_leg_call_id,
      bridge_id: c.bridge_id,
      resource_type: c.resource_type,
      authorizing_type: c.authorizing_type,
      authorizing_id: c.authorizing_id,
      owner_id: c.owner_id,
      hangup_code: c.hangup_code,
      disposition: c.disposition,
      media_server: c.media_server,
      reseller_id: c.reseller_id,
    }));
}
