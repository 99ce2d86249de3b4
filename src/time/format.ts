/** Bucket keys and CSV call_time values: "HH:MM:SS DD/MM/YYYY" (or MM/DD) and ISO 8601 with offset. */
import { localParts, pad2, pad4 } from './civil.js';
import { localToUtc } from './local-to-utc.js';
import { offsetAt } from './zone.js';

export type TimeFormat = 'kazoo' | 'iso';
export type DateOrder = 'dmy' | 'mdy';

/** "HH:MM:SS DD/MM/YYYY" (dmy) or "HH:MM:SS MM/DD/YYYY" (mdy) of a local-seconds value. */
export function formatKazooLocal(localSeconds: number, order: DateOrder): string {
  const p = localParts(localSeconds);
  const date = order === 'mdy' ? `${pad2(p.month)}/${pad2(p.day)}` : `${pad2(p.day)}/${pad2(p.month)}`;
  return `${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)} ${date}/${pad4(p.year)}`;
}

/** "YYYY-MM-DDTHH:MM:SS" of a local-seconds value, without an offset. */
export function formatIsoLocal(localSeconds: number): string {
  const p = localParts(localSeconds);
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}T${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`;
}

/**
 * "+13:00", "-03:00", "+05:45"; UTC is "+00:00" (not "Z") so every key has the same shape.
 * :TRICKY: a few pre-1972 offsets are not whole minutes (Africa/Monrovia −00:44:30); rounding them
 * would make the string name a different instant, so they are written "-00:44:30" (ISO 8601 allows it).
 */
export function formatOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const hm = `${sign}${pad2(Math.floor(abs / 3600))}:${pad2(Math.floor((abs % 3600) / 60))}`;
  return abs % 60 === 0 ? hm : `${hm}:${pad2(abs % 60)}`;
}

/**
 * The key of the bucket whose local start is `localStart` (from bucketStartLocal).
 *
 * Kazoo keys are the local wall clock alone. ISO keys add the offset in effect at the bucket's
 * first instant, localToUtc(localStart):
 * :TRICKY: on a fall-back the repeated local start takes the offset of its FIRST occurrence (rule
 * OVERLAP-EARLIER): NZ 2016-04-03 hour 02 → "2016-04-03T02:00:00+13:00".
 * :TRICKY: a local start that does not exist (a skipped midnight for daily/weekly/monthly keys, or
 * Lord Howe's half-skipped 02:00 hour) keeps its wall-clock reading, as SPEC 2.4 requires ("00:00:00"
 * of that date), and takes the offset AFTER the transition (rule GAP-FORWARD): Sao Paulo 2018-11-04 →
 * "2018-11-04T00:00:00-02:00". Such a key is a label; as an instant it falls before the bucket.
 */
export function formatBucketKey(localStart: number, tz: string, format: TimeFormat, order: DateOrder): string {
  if (format === 'kazoo') {
    offsetAt(tz, 0); // same validation in both formats
    return formatKazooLocal(localStart, order);
  }
  return formatIsoLocal(localStart) + formatOffset(offsetAt(tz, localToUtc(localStart, tz)));
}

/** A call's `call_time` (UTC epoch seconds) as its local time in `tz`, to the second. Never ambiguous. */
export function formatCallTime(utcSeconds: number, tz: string, format: TimeFormat, order: DateOrder): string {
  const t = Math.floor(utcSeconds);
  const offset = offsetAt(tz, t);
  if (format === 'kazoo') return formatKazooLocal(t + offset, order);
  return formatIsoLocal(t + offset) + formatOffset(offset);
}
