/**
 * The engine-agnostic differential driver (STYLE habit 5): inserts a seeded random call set into
 * `store`, then runs random queries through `parseQuery` → `statistics()` / `recordsPage()` /
 * `streamRecords()` and compares every answer with the in-memory reference, to the last digit.
 * Works for any Store (DuckDB, ClickHouse): give it an empty store and its ZoneService.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Call } from '../../src/core/call.js';
import { parseQuery, type ParsedQuery } from '../../src/query/parse-query.js';
import { recordsPage, streamRecords } from '../../src/report/records.js';
import { statistics } from '../../src/report/statistics.js';
import type { ZoneService } from '../../src/zones/zone-service.js';
import type { Store } from '../../src/store/store.js';
import { isValidTimeZone, parseCallTime } from '../../src/time/index.js';
import type { RefLowerCase, ZoneLookup } from './reference-filter.js';
import { referenceRecords } from './reference-records.js';
import { referenceStatistics } from './reference-stats.js';
import { pickZoneIds, randomCalls, randomQuery, Rng, type RandomQuery } from './random.js';

export interface DifferentialOptions {
  seed: number;
  queries: number;
  /** Size of the random call set (default 600). */
  calls?: number;
  /** Queries in flight at once (default 2). */
  concurrency?: number;
  /** Where progress and failures are written (default console.log). */
  log?: (line: string) => void;
  /** statistics()' statsRowsMax: 0 has the engine aggregate every answer, a huge one TypeScript (aggregate-rows.ts). */
  statsRowsMax?: number;
  /** The engine's `ilike` lower case (reference-filter.ts RefLowerCase; default `simple`). */
  lowerCase?: RefLowerCase;
}

export interface DifferentialReport {
  seed: number;
  queries: number;
  /** Queries whose statistics answer had at least one bucket. */
  nonEmpty: number;
  /** Records compared in all. */
  records: number;
  /** Human-readable mismatches (seed, query JSON, first difference); empty when all agree. */
  failures: string[];
  used: { aliases: Set<string>; fields: Set<string> };
}

/** First place where two JSON-like values differ, as "path: expected … got …"; undefined when equal. */
export function firstDifference(expected: unknown, actual: unknown, path = '$'): string | undefined {
  if (isDeepStrictEqual(expected, actual)) return undefined;
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 300);
  if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null) {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])];
    for (const k of keys) {
      if (!Object.hasOwn(a, k)) return `${path}.${k}: expected ${show(e[k])}, missing in actual`;
      if (!Object.hasOwn(e, k)) return `${path}.${k}: unexpected ${show(a[k])}`;
      const d = firstDifference(e[k], a[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

/** Bucket keys must come in the reference's (chronological) order; groups are compared as sets. */
function compareStats(expected: Record<string, unknown>, actual: Record<string, unknown>): string | undefined {
  const ek = Object.keys(expected);
  const ak = Object.keys(actual);
  if (!isDeepStrictEqual(ek, ak)) {
    const i = ek.findIndex((k, j) => ak[j] !== k);
    return `bucket keys differ at #${i}: expected ${JSON.stringify(ek.slice(i, i + 3))}, got ${JSON.stringify(ak.slice(i, i + 3))} (${ek.length} vs ${ak.length} buckets)`;
  }
  return firstDifference(expected, actual);
}

function describe(seed: number, index: number, rq: RandomQuery, what: string, detail: string): string {
  return [
    `seed ${seed} query #${index} (${what}): ${detail}`,
    `  period=${rq.period} account=${JSON.stringify(rq.account)} config=${JSON.stringify(rq.config)}`,
    `  q=${typeof rq.q === 'string' ? rq.q : JSON.stringify(rq.q)}`,
  ].join('\n');
}

/** Runs the differential comparison; never throws on a mismatch, reports it instead. */
export async function runDifferential(store: Store, zones: ZoneService, opts: DifferentialOptions): Promise<DifferentialReport> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const rng = new Rng(opts.seed);
  const zone: ZoneLookup = (id) => zones.zone(id);
  const calls: Call[] = randomCalls(rng, opts.calls ?? 600, pickZoneIds(rng, zones.all()));
  await store.insertCalls(calls);
  const report: DifferentialReport = {
    seed: opts.seed,
    queries: 0,
    nonEmpty: 0,
    records: 0,
    failures: [],
    used: { aliases: new Set(), fields: new Set() },
  };
  const fail = (index: number, rq: RandomQuery, what: string, detail: string) => {
    const text = describe(opts.seed, index, rq, what, detail);
    if (report.failures.length < 5) log(text);
    report.failures.push(text);
  };
  // Every query and its checks are drawn first, so a replay never depends on results or timing.
  // Records are checked on a share of the queries only: the run has to fit in about a minute.
  const plans = Array.from({ length: opts.queries }, () => ({
    rq: randomQuery(rng, { calls, zone, used: report.used }),
    pages: rng.chance(0.3) ? rng.int(1, 2) : 0,
    pageSize: rng.int(1, 60),
    streamAll: rng.chance(0.08),
  }));
  const check = async (i: number): Promise<void> => {
    const { rq, pages, pageSize, streamAll } = plans[i];
    report.queries++;
    let query: ParsedQuery;
    try {
      query = parseQuery(rq.q, {
        defaultTimezone: rq.config.defaultTimezone,
        isValidTimeZone,
        parseTime: (value, tz) => parseCallTime(value, tz, rq.config.dateOrder),
      });
    } catch (e) {
      fail(
        i,
        rq,
        'parse',
        `the generator's query was refused: ${e instanceof Error ? e.message : String(e)} ${JSON.stringify((e as { details?: unknown }).details ?? '')}`,
      );
      return;
    }
    try {
      const expected = referenceStatistics(calls, rq.account, rq.period, query, rq.config, zone, opts.lowerCase);
      const actual = await statistics(store, rq.account, rq.period, query, { ...rq.config, statsRowsMax: opts.statsRowsMax });
      if (Object.keys(expected).length > 0) report.nonEmpty++;
      const d = compareStats(expected as Record<string, unknown>, actual as Record<string, unknown>);
      if (d) fail(i, rq, 'statistics', d);

      const records = pages > 0 || streamAll ? referenceRecords(calls, rq.account, query, rq.config.dateOrder, zone, opts.lowerCase) : [];
      let startKey: string | undefined;
      for (let page = 0; page < pages; page++) {
        const got = await recordsPage(store, zones, rq.account, query, rq.config.dateOrder, pageSize, startKey);
        const want = records.slice(page * pageSize, (page + 1) * pageSize);
        report.records += want.length;
        const pd =
          firstDifference(want, got.data) ??
          (got.page_size === want.length ? undefined : `page_size ${got.page_size}, expected ${want.length}`);
        const more = records.length > (page + 1) * pageSize;
        const kd =
          more === (got.next_start_key !== undefined)
            ? undefined
            : `next_start_key ${more ? 'missing' : 'present'} after ${(page + 1) * pageSize} of ${records.length}`;
        if (pd || kd) {
          fail(i, rq, `records page ${page} of size ${pageSize}`, (pd ?? kd)!);
          break;
        }
        if (!got.next_start_key) break;
        startKey = got.next_start_key;
      }
      if (streamAll) {
        const streamed = [];
        for await (const r of streamRecords(store, zones, rq.account, query, rq.config.dateOrder)) streamed.push(r);
        const sd = firstDifference(records, streamed);
        if (sd) fail(i, rq, 'streamRecords', sd);
      }
    } catch (e) {
      fail(i, rq, 'error', e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
  };
  // A few queries in flight: while the engine works on one, the reference computes another.
  let next = 0;
  const worker = async () => {
    while (next < plans.length) await check(next++);
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 2 }, worker));
  log(
    `[differential] seed ${opts.seed}: ${report.queries} queries (${report.nonEmpty} non-empty), ${report.records} records compared, ${report.failures.length} mismatches`,
  );
  return report;
}
