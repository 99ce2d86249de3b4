/** Latency summary of repeated runs, milliseconds. */
export interface Timing {
  p50: number;
  p95: number;
  runs: number;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export interface RepeatOptions {
  warmup: number;
  minRuns: number;
  maxRuns: number;
  /** Stop adding runs (beyond minRuns) once this much time was spent. */
  budgetMs: number;
}

/** Warm-up runs first, then timed runs until the budget is spent (within [minRuns, maxRuns]). */
export async function repeat(fn: () => Promise<unknown>, o: RepeatOptions): Promise<Timing> {
  for (let i = 0; i < o.warmup; i++) await fn();
  const ms: number[] = [];
  const started = performance.now();
  while (ms.length < o.maxRuns && (ms.length < o.minRuns || performance.now() - started < o.budgetMs)) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95), runs: ms.length };
}

export function repeatOptions(quick: boolean, heavy: boolean): RepeatOptions {
  if (quick) return { warmup: 1, minRuns: 3, maxRuns: heavy ? 5 : 10, budgetMs: heavy ? 1000 : 500 };
  // Issue 16 times each per-account question twice (uncached and cached) at four sizes within a
  // 50-minute run: 10 runs and 5 s per question, 3 runs of a whole-store question (24 s each on
  // PostgreSQL at 10M) are enough for a p50; fast questions still reach 200 runs within the budget.
  return { warmup: heavy ? 1 : 2, minRuns: heavy ? 3 : 10, maxRuns: heavy ? 15 : 200, budgetMs: heavy ? 20_000 : 5_000 };
}
