import type { ErrorCode } from '../core/error-codes.js';
import { queryError } from '../core/errors.js';
import type { AndNode } from './ast.js';
import { getField, groupableFieldNames } from './fields.js';
import { MAX_IN_LIST, parseFilters } from './parse-filter.js';
import { echo } from './parse-value.js';
import { didYouMean } from '../time/index.js';

/** Opt-in extra statistics of SPEC 2.6, in documentation order. */
export const METRICS = ['answered', 'asr', 'acd', 'billing_seconds', 'percentiles', 'calls'] as const;
/** One opt-in metric. */
export type Metric = (typeof METRICS)[number];

/** What parsing needs from configuration and the time module. */
export interface ParseContext {
  defaultTimezone: string;
  isValidTimeZone: (tz: string) => boolean;
  /** Local or offset time text → UTC epoch seconds; throws an Error whose message says what is wrong. */
  parseTime: (value: string, tz: string) => number;
  /** Longest in/not_in list; default MAX_IN_LIST. */
  maxInList?: number;
}

/** A validated statistics/records query (SPEC 2.4). */
export interface ParsedQuery {
  filters: AndNode;
  grouping?: string;
  timezone: string;
  timeFormat: 'kazoo' | 'iso';
  /** undefined means the configured default. */
  weekStart?: 'monday' | 'sunday';
  metrics: Metric[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Json, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);
const absent = (v: unknown): boolean => v === undefined || v === null;

/** Parses `q` (JSON text or an already parsed object, with or without `data`); throws queryError on any fault. */
export function parseQuery(input: unknown, ctx: ParseContext): ParsedQuery {
  const q = unwrap(toObject(input));
  // The time zone is read first: call_time values in filters are local to it, wherever it appears.
  const timezone = parseTimezone(own(q, 'timezone'), ctx);
  const grouping = parseGrouping(own(q, 'grouping'));
  const timeFormat = parseChoice(own(q, 'time_format'), 'time_format', 'ERR_TIME_FORMAT', ['kazoo', 'iso'] as const) ?? 'kazoo';
  const weekStart = parseChoice(own(q, 'week_start'), 'week_start', 'ERR_WEEK_START', ['monday', 'sunday'] as const);
  const metrics = parseMetrics(own(q, 'metrics'));
  const filters = parseFilters(own(q, 'filters'), {
    timezone,
    parseTime: ctx.parseTime,
    maxInList: ctx.maxInList ?? MAX_IN_LIST,
  });
  // Unknown top-level keys are ignored on purpose: Kazoo clients send extras (e.g. `verb`).
  return {
    filters,
    ...(grouping !== undefined ? { grouping } : {}),
    timezone,
    timeFormat,
    ...(weekStart !== undefined ? { weekStart } : {}),
    metrics,
  };
}

function toObject(input: unknown): Json {
  if (absent(input)) return {};
  let value = input;
  if (typeof input === 'string') {
    if (input.trim() === '') return {};
    try {
      value = JSON.parse(input);
    } catch (e) {
      const detail = e instanceof Error ? e.message.slice(0, 200) : 'unreadable';
      throw queryError('ERR_QUERY_JSON', 'q', `invalid JSON: ${detail}`);
    }
  }
  if (!isObject(value)) throw queryError('ERR_QUERY_JSON', 'q', 'expected a JSON object');
  return value;
}

// Kazoo wraps requests in `data`; the bare object is accepted too.
function unwrap(q: Json): Json {
  const data = own(q, 'data');
  if (data === undefined) return q;
  if (!isObject(data)) throw queryError('ERR_QUERY_JSON', 'data', 'expected a JSON object');
  return data;
}

function parseTimezone(raw: unknown, ctx: ParseContext): string {
  if (absent(raw)) return ctx.defaultTimezone;
  if (typeof raw !== 'string') throw queryError('ERR_TIMEZONE', 'timezone', 'expected a time zone name');
  if (!ctx.isValidTimeZone(raw)) throw queryError('ERR_TIMEZONE', 'timezone', `unknown time zone ${echo(raw)}${didYouMean(raw)}`);
  return raw;
}

function parseGrouping(raw: unknown): string | undefined {
  if (absent(raw) || raw === '') return undefined;
  if (typeof raw !== 'string') throw queryError('ERR_GROUPING', 'grouping', 'expected a field name');
  const field = getField(raw);
  if (!field) throw queryError('ERR_GROUPING', 'grouping', `unknown field ${echo(raw)}`);
  if (!field.groupable) {
    throw queryError('ERR_GROUPING', 'grouping', `field '${raw}' cannot be grouped by; groupable: ${groupableFieldNames().join(', ')}`);
  }
  return raw;
}

function parseChoice<T extends string>(raw: unknown, path: string, code: ErrorCode, choices: readonly T[]): T | undefined {
  if (absent(raw)) return undefined;
  if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return raw as T;
  throw queryError(code, path, `expected ${choices.map((c) => `'${c}'`).join(' or ')}`);
}

function parseMetrics(raw: unknown): Metric[] {
  if (absent(raw)) return [];
  if (!Array.isArray(raw)) throw queryError('ERR_METRICS', 'metrics', 'expected a list');
  const out: Metric[] = [];
  raw.forEach((item, i) => {
    if (typeof item !== 'string' || !(METRICS as readonly string[]).includes(item)) {
      const shown = typeof item === 'string' ? echo(item) : (JSON.stringify(item)?.slice(0, 100) ?? String(item));
      throw queryError('ERR_METRICS', `metrics[${i}]`, `unknown metric ${shown}; expected one of ${METRICS.join(', ')}`);
    }
    // Repeats are harmless, so they are dropped rather than refused.
    if (!out.includes(item as Metric)) out.push(item as Metric);
  });
  return out;
}
