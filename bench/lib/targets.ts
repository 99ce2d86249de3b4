import type { LegName } from './args.js';
import type { LegOutcome } from './legs.js';
import { LARGE_CLASSES } from './query-mix.js';
import type { SizeResult, StoreResult } from './results.js';

/** One line of the closing note: an issue 16 target, the figure it is judged on, and the verdict. */
export interface TargetLine {
  target: string;
  figure: string;
  /** Oriented so that ×N > 1 is better; '–' where there is no baseline figure. */
  vsPg: string;
  /** Figure against the target, oriented the same way (×1.2: 20 % better than needed). */
  vsTarget: string;
  verdict: string;
}

const MiB = 2 ** 20;
const x = (r: number | undefined): string => (r === undefined || !Number.isFinite(r) ? '–' : `×${r >= 10 ? r.toFixed(0) : r.toFixed(2)}`);
const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const int = (v: number): string => Math.round(v).toLocaleString('en-US');
const CALLSTATS = ['duckdb', 'clickhouse', 'chdb'] as const;

/** A number at `key` of a leg's RESULT, if it is one. */
function num(o: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * The fresh-data leg's per-question entries: any object (at depth ≤ 4) with numeric `fresh` and
 * `afterRestart`, named by its path (`http / month-hourly-largest`: the script runs one leg over
 * HTTP and one over import, each with its questions).
 */
export function freshQuestions(result: Record<string, unknown>): { id: string; fresh: number; afterRestart: number }[] {
  const out: { id: string; fresh: number; afterRestart: number }[] = [];
  const visit = (o: unknown, path: string[], depth: number): void => {
    if (o === null || typeof o !== 'object' || depth > 4) return;
    const rec = o as Record<string, unknown>;
    const fresh = num(rec, 'fresh');
    const restart = num(rec, 'afterRestart');
    if (fresh !== undefined && restart !== undefined) {
      out.push({ id: path.filter((p) => p !== 'questions').join(' / ') || 'result', fresh, afterRestart: restart });
      return;
    }
    for (const [k, v] of Object.entries(rec)) visit(v, [...path, k], depth + 1);
  };
  visit(result, [], 0);
  return out;
}

/** Every number under `key` at depth ≤ 2, with where it was (`http`, `import`, or the top). */
export function numbersAt(result: Record<string, unknown>, key: string): { where: string; value: number }[] {
  const out: { where: string; value: number }[] = [];
  const top = num(result, key);
  if (top !== undefined) out.push({ where: 'result', value: top });
  for (const [k, v] of Object.entries(result))
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const n = num(v as Record<string, unknown>, key);
      if (n !== undefined) out.push({ where: k, value: n });
    }
  return out;
}

/** The closing note's lines: every issue 16 target, judged at the size the issue names. */
export function issueTargets(sizes: SizeResult[], legs: LegOutcome[]): TargetLine[] {
  const plain = sizes.filter((s) => s.copies === 1);
  const judged = plain.find((s) => s.size === 10_000_000) ?? plain[plain.length - 1];
  const atJudged = judged ? (judged.size === 10_000_000 ? ' at 10M' : ` at ${int(judged.size)} (the target is for 10M)`) : '';
  const lines: TargetLine[] = [];
  const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'not measured' : ok ? 'pass' : '**miss**');

  // No query class slower than PostgreSQL, uncached and cached; the large classes ≥ 10×.
  for (const mode of ['uncached', 'cached', 'large'] as const) {
    let worst: { r: number; where: string } | undefined;
    for (const s of plain) {
      const pg = s.stores.postgres;
      if (!pg) continue;
      for (const st of CALLSTATS) {
        const r = s.stores[st];
        if (!r) continue;
        for (const c of s.cases) {
          if (mode === 'large' && !LARGE_CLASSES.has(c.id)) continue;
          const own = mode === 'cached' && c.scope === 'account' ? r.cachedQueries?.[c.id]?.p50 : r.queries[c.id]?.p50;
          const base = pg.queries[c.id]?.p50;
          if (own === undefined || base === undefined || !(own > 0)) continue;
          const ratio = base / own;
          if (!worst || ratio < worst.r) worst = { r: ratio, where: `${c.id}, ${st}, ${int(s.size)} calls: ${ms(own)} vs ${ms(base)} ms` };
        }
      }
    }
    const min = mode === 'large' ? 10 : 1;
    lines.push({
      target:
        mode === 'large'
          ? 'large classes (largest account’s year, whole store) ≥ 10× PostgreSQL (uncached)'
          : `no query class slower than PostgreSQL at every size, ${mode}`,
      figure: worst ? `worst ${worst.where}` : 'no baseline in this run',
      vsPg: x(worst?.r),
      vsTarget: x(worst && worst.r / min),
      verdict: verdict(worst && worst.r >= min),
    });
  }

  const duck = judged?.stores.duckdb;
  const pgJ = judged?.stores.postgres;
  for (const [id, limit] of [
    ['month-hourly-median', 10],
    ['month-hourly-largest', 20],
  ] as const) {
    const v = duck?.queries[id]?.p50;
    const cached = duck?.cachedQueries?.[id]?.p50;
    const base = pgJ?.queries[id]?.p50;
    lines.push({
      target: `one-month hourly p50 ≤ ${limit} ms, ${id.replace('month-hourly-', '')} account, DuckDB over HTTP, uncached${atJudged}`,
      figure: v === undefined ? '–' : `${ms(v)} ms (cached ${cached === undefined ? '–' : ms(cached)} ms)`,
      vsPg: x(v && base && base / v),
      vsTarget: x(v && limit / v),
      verdict: verdict(v === undefined ? undefined : v <= limit),
    });
  }

  const leg = (name: LegName): LegOutcome | undefined => legs.find((l) => l.leg === name);
  const missing = (name: LegName, target: string): TargetLine => {
    const l = leg(name);
    return { target, figure: '–', vsPg: '–', vsTarget: '–', verdict: `not measured: ${l ? l.reason : 'the leg was not run (--legs)'}` };
  };

  const exp = leg('export')?.result;
  if (exp) {
    const rate = num(exp, 'rowsPerSecond');
    const peak = Math.max(num(exp, 'peakMiB') ?? NaN, num(exp, 'secondPeakMiB') ?? -Infinity);
    // The script lists PostgreSQL's cursor export runs under `postgres`; the first is compared.
    const pgRuns = exp.postgres;
    const pgRate = Array.isArray(pgRuns) ? num(pgRuns[0] as Record<string, unknown>, 'rowsPerSecond') : undefined;
    const rssOk = Number.isFinite(peak) ? peak * MiB < 300e6 : undefined;
    lines.push({
      target: 'export of 2M rows: server RSS < 300 MB and ≥ 300,000 rows/s (DuckDB)',
      figure: `${rate === undefined ? '–' : int(rate)} rows/s, peak ${Number.isFinite(peak) ? peak.toFixed(0) : '–'} MiB (before ${num(exp, 'rssBeforeMiB')?.toFixed(0) ?? '–'} MiB), ${num(exp, 'rows') === undefined ? '?' : int(num(exp, 'rows')!)} rows`,
      vsPg: `${x(rate && pgRate && rate / pgRate)} rows/s`,
      vsTarget: `${x(rate && rate / 300_000)} rows/s, ${x(Number.isFinite(peak) ? 300e6 / (peak * MiB) : undefined)} RSS`,
      verdict: verdict(rate === undefined || rssOk === undefined ? undefined : rate >= 300_000 && rssOk),
    });
  } else lines.push(missing('export', 'export of 2M rows: server RSS < 300 MB and ≥ 300,000 rows/s'));

  const ingest = (r: StoreResult | undefined) => r?.ingest;
  const di = ingest(duck);
  lines.push({
    target: `NDJSON import ≥ 150,000 CDRs/s at ≤ 500 MB peak RSS, DuckDB${atJudged}`,
    figure: di ? `${int(di.perSecond)} CDRs/s, peak ${(di.peakRss / MiB).toFixed(0)} MiB` : '–',
    vsPg: x(di && pgJ && di.perSecond / pgJ.ingest.perSecond),
    vsTarget: di ? `${x(di.perSecond / 150_000)} rate, ${x(500e6 / di.peakRss)} RSS` : '–',
    verdict: verdict(di && di.perSecond >= 150_000 && di.peakRss <= 500e6),
  });

  const http = leg('http-ingest')?.result;
  const hr = num(http, 'cdrsPerSecond');
  if (http)
    lines.push({
      target: 'HTTP ingest ≥ 50,000 CDRs/s',
      figure: `${hr === undefined ? '–' : int(hr)} CDRs/s (worst request ${num(http, 'worstRequestMs')?.toFixed(0) ?? '–'} ms, p99 ${num(http, 'p99RequestMs')?.toFixed(0) ?? '–'} ms, server peak ${num(http, 'peakServerMiB')?.toFixed(0) ?? '–'} MiB)`,
      vsPg: '–',
      vsTarget: x(hr && hr / 50_000),
      verdict: verdict(hr === undefined ? undefined : hr >= 50_000),
    });
  else lines.push(missing('http-ingest', 'HTTP ingest ≥ 50,000 CDRs/s'));

  const cu = duck?.concurrency;
  const cc = duck?.concurrencyCached;
  lines.push({
    target: `32 clients, dashboard mix, uncached: p99 ≤ 200 ms and 0 errors, DuckDB${atJudged}`,
    figure: cu
      ? `p99 ${ms(cu.p99)} ms, ${cu.errors + cu.non2xx} errors, ${cu.rps.toFixed(0)} requests/s (cached: p99 ${cc ? ms(cc.p99) : '–'} ms, ${cc ? cc.errors + cc.non2xx : '–'} errors)`
      : '–',
    vsPg: x(cu && pgJ?.concurrency && pgJ.concurrency.p99 / cu.p99),
    vsTarget: x(cu && 200 / cu.p99),
    verdict: verdict(cu && cu.p99 <= 200 && cu.errors + cu.non2xx === 0),
  });

  const fresh = leg('fresh')?.result;
  if (fresh) {
    const qs = freshQuestions(fresh);
    const worst = qs.reduce<(typeof qs)[number] | undefined>(
      (w, q) => (!w || q.fresh / q.afterRestart > w.fresh / w.afterRestart ? q : w),
      undefined,
    );
    const ratio = worst && worst.fresh / worst.afterRestart;
    lines.push({
      target: 'fresh data (10 % more calls, no restart) ≤ 1.5× after a restart',
      figure: worst
        ? `worst ${worst.id}: ${ms(worst.fresh)} ms fresh vs ${ms(worst.afterRestart)} ms after restart = ×${ratio!.toFixed(2)}`
        : 'no per-question figures in its RESULT',
      vsPg: '–',
      vsTarget: x(ratio && 1.5 / ratio),
      verdict: verdict(ratio === undefined ? undefined : ratio <= 1.5),
    });
    const blocked = numbersAt(fresh, 'worstIngestMs');
    const worstMs = blocked.length ? Math.max(...blocked.map((b) => b.value)) : undefined;
    const rates = numbersAt(fresh, 'ingestCdrsPerSecond');
    lines.push({
      target: 'maintenance never blocks an ingest request > 1 s',
      figure:
        worstMs === undefined
          ? '–'
          : `worst ingest request ${blocked.map((b) => `${b.where} ${b.value.toFixed(0)} ms`).join(', ')} (${rates.map((r) => `${r.where} ${int(r.value)} CDRs/s`).join(', ')})`,
      vsPg: '–',
      vsTarget: x(worstMs && 1000 / worstMs),
      verdict: verdict(worstMs === undefined ? undefined : worstMs <= 1000),
    });
  } else {
    lines.push(missing('fresh', 'fresh data (10 % more calls, no restart) ≤ 1.5× after a restart'));
    lines.push(missing('fresh', 'maintenance never blocks an ingest request > 1 s'));
  }

  const big = sizes.find((s) => s.copies > 1);
  const whole = big?.stores.duckdb?.queries['store-hourly-direction']?.p50;
  lines.push({
    target: '30M calls, DuckDB: whole-store hourly exact median ≤ 1.5 s',
    figure: whole === undefined ? '–' : `${ms(whole)} ms at ${int(big!.size)} calls`,
    vsPg: '–',
    vsTarget: x(whole && 1500 / whole),
    verdict: big ? verdict(whole === undefined ? undefined : whole <= 1500) : 'not measured: no --duckdb-sizes leg in this run',
  });
  return lines;
}

/** The closing note as markdown. */
export function targetsTable(lines: TargetLine[]): string {
  const out = ['| target | figure | vs PG | vs target | result |', '|:--|:--|--:|--:|:--|'];
  for (const l of lines) out.push(`| ${l.target} | ${l.figure} | ${l.vsPg} | ${l.vsTarget} | ${l.verdict} |`);
  return out.join('\n');
}
