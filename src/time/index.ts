/** Time handling for callstats: zones, offset segments for SQL, bucket floors, keys, request-time parsing. */
export { isValidTimeZone, canonicalTimeZone, offsetAt, UnknownTimeZoneError } from './zone.js';
export { didYouMean, suggestTimeZones } from './suggest-zone.js';
export { offsetSegments, type OffsetSegment } from './offset-segments.js';
export { localToUtc, resolveLocal, type LocalResolution } from './local-to-utc.js';
export { bucketStartLocal, nextBucketStartLocal, PERIODS, type Period, type WeekStart } from './buckets.js';
export {
  formatBucketKey,
  formatCallTime,
  formatKazooLocal,
  formatIsoLocal,
  formatOffset,
  type TimeFormat,
  type DateOrder,
} from './format.js';
export { parseCallTime, InvalidTimeError } from './parse.js';
export { localParts, localSecondsOf, type LocalParts } from './civil.js';
