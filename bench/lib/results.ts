import type { StoreName } from './args.js';
import type { LoadResult } from './concurrency.js';
import type { QueryCase } from './query-mix.js';
import type { Timing } from './timing.js';

/** Everything measured for one store at one size. */
export interface StoreResult {
  store: StoreName;
  ingest: { rows: number; seconds: number; perSecond: number; peakRss: number; detail: string };
  /** Per query case id; `via` says how it was asked. */
  queries: Record<string, Timing & { via: 'http' | 'in-process' | 'sql' }>;
  export: { account: string; rows: number; seconds: number; perSecond: number; peakRss: number; rssBefore: number; detail: string };
  concurrency: LoadResult;
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
  largestAccountCalls: number;
  cases: QueryCase[];
  stores: Partial<Record<StoreName, StoreResult>>;
  check: CheckResult;
}
