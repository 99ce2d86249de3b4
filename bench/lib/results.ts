import type { StoreName } from './args.js';
import type { LoadResult } from './concurrency.js';
import type { QueryCase } from './query-mix.js';
import type { Timing } from './timing.js';

/** Everything measured for one store at one size. */
export interface StoreResult {
  store: StoreName;
  ingest: { rows: number; seconds: number; perSecond: number; peakRss: number; detail: string };
  /** Per query case id, computed afresh (callstats: `Cache-Control: no-cache` on every request); `via` says how it was asked. */
  queries: Record<string, Timing & { via: 'http' | 'in-process' | 'sql' }>;
  /** The per-account questions asked again and again without the header (the answer cache's figure); PostgreSQL has none. */
  cachedQueries?: Record<string, Timing & { via: 'http' | 'in-process' | 'sql' }>;
  /** Undefined where not timed at this size (the 30M leg). */
  export?: { account: string; rows: number; seconds: number; perSecond: number; peakRss: number; rssBefore: number; detail: string };
  /** The dashboard mix computed afresh (uncached); PostgreSQL's run of the same SQL. Undefined where not run (30M). */
  concurrency?: LoadResult;
  /** The same mix without the header; `hitShare` from `/metrics` when the server counts cache hits. */
  concurrencyCached?: LoadResult & { hitShare?: number };
  /** RSS of `callstats serve` (the Node process) a second after it started, before any question; bytes. */
  idleRss?: number;
  /** Extra figures without a baseline counterpart (e.g. the ClickHouse server's own memory). */
  notes: string[];
}

/** The answer check of one size. */
export interface CheckResult {
  reference: StoreName;
  compared: { store: StoreName; cases: number; rows: number }[];
  passed: boolean;
}

export interface SizeResult {
  size: number;
  /** The data file imported this many times (1, or 3 for the 30M DuckDB leg: no baseline, no answer check). */
  copies: number;
  largestAccountCalls: number;
  cases: QueryCase[];
  stores: Partial<Record<StoreName, StoreResult>>;
  check: CheckResult;
}
