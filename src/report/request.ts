import type { Config } from '../core/config.js';
import { CallstatsError } from '../core/errors.js';
import { parseQuery, type ParsedQuery } from '../query/parse-query.js';
import { isValidTimeZone, parseCallTime, PERIODS, type Period } from '../time/index.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './records.js';

/** Parses a `q` (JSON text or object) with the configured defaults: the one parser of the API and CLI. */
export function parseApiQuery(raw: unknown, config: Pick<Config, 'defaultTimezone' | 'dateOrder'>): ParsedQuery {
  return parseQuery(raw, {
    defaultTimezone: config.defaultTimezone,
    isValidTimeZone,
    parseTime: (value, tz) => parseCallTime(value, tz, config.dateOrder),
  });
}

/** A PERIOD path segment, or a 400 naming the choices. */
export function parsePeriod(period: string): Period {
  if (PERIODS.includes(period as Period)) return period as Period;
  throw new CallstatsError('ERR_PERIOD', 'unknown period', {
    period: `expected one of ${PERIODS.join(', ')}, not '${period.slice(0, 40)}'`,
  });
}

/** `page_size` as given (string, number or absent), or a 400. */
export function parsePageSize(raw: unknown): number {
  const size =
    raw === undefined
      ? DEFAULT_PAGE_SIZE
      : typeof raw === 'string' && raw.trim() !== ''
        ? Number(raw)
        : typeof raw === 'number'
          ? raw
          : NaN;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new CallstatsError('ERR_PAGE_SIZE', 'invalid page_size', { page_size: `a whole number from 1 to ${MAX_PAGE_SIZE}` });
  }
  return size;
}

/** `start_key` as given; a repeated key is refused rather than guessed at. */
export function parseStartKey(raw: unknown): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string')
    throw new CallstatsError('ERR_START_KEY', 'invalid start_key', { start_key: 'not a key returned by a previous page' });
  return raw;
}
