import type { StoreName } from './args.js';
import type { LoadResult } from './concurrency.js';
import { LARGE_CLASSES } from './query-mix.js';
import type { SizeResult, StoreResult } from './results.js';

const MiB = 2 ** 20;

/** One row of the results table: how to read a figure from a store's result, and its targets. */
export interface Figure {
  name: string;
  unit: string;
  /** `lower`: smaller is better (times, memory); `higher`: throughput. */
  better: 'lower' | 'higher';
  value(r: StoreResult): number | undefined;
  /** Optional second number shown after a slash (p95 after p50). */
  second?(r: StoreResult): number | undefined;
  /** The cell's text, when it is not the value (and second). */
  cell?(r: StoreResult): string;
  /** No "vs PG" ratio (counts). */
  noRatio?: boolean;
  targets: Target[];
}

export interface Target {
  store: StoreName;
  text: string;
  ok(value: number, ratio: number | undefined): boolean;
}

export const fmt = (v: number | undefined, unit: string): string => {
  if (v === undefined || !Number.isFinite(v)) return '–';
  if (unit === 'MiB') return (v / MiB).toFixed(0);
  if (unit === 'ms') return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
  if (unit === '/s') return v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
  return String(Math.round(v * 100) / 100);
};

const CALLSTATS: StoreName[] = ['duckdb', 'clickhouse', 'chdb'];

/** Issue 16's ratio targets for one query class, for every callstats store. */
function ratioTargets(id: string): Target[] {
  const min = LARGE_CLASSES.has(id) ? 10 : 1;
  return CALLSTATS.map((store) => ({
    store,
    text: `≥ ${min}× PG`,
    ok: (_v: number, r: number | undefined) => r !== undefined && r >= min,
  }));
}

/** Every row of one size's table, with issue 16's targets. */
export function figures(size: SizeResult): Figure[] {
  const at10M = size.size >= 10_000_000 ? '' : ' (at 10M)';
  const out: Figure[] = [
    {
      name: 'Ingest, CDRs/s',
      unit: '/s',
      better: 'higher',
      value: (r) => r.ingest.perSecond,
      targets: [{ store: 'duckdb', text: `≥ 150,000/s${at10M}`, ok: (v) => v >= 150_000 }],
    },
    {
      name: 'Ingest peak RSS, MiB',
      unit: 'MiB',
      better: 'lower',
      value: (r) => r.ingest.peakRss,
      targets: [{ store: 'duckdb', text: `≤ 500 MB${at10M}`, ok: (v) => v <= 500e6 }],
    },
  ];
  if (Object.values(size.stores).some((r) => r?.idleRss !== undefined))
    out.push({
      name: '`serve` RSS at idle (zone table loaded, nothing asked), MiB',
      unit: 'MiB',
      better: 'lower',
      value: (r) => r.idleRss,
      noRatio: true,
      targets: [],
    });
  // Ratio targets only where the baseline ran (not in the 30M DuckDB-only column).
  const vsPg = (id: string): Target[] => (size.stores.postgres ? ratioTargets(id) : []);
  for (const c of size.cases) {
    const targets = vsPg(c.id);
    if (c.id === 'month-hourly-median') targets.push({ store: 'duckdb', text: `p50 ≤ 10 ms${at10M}`, ok: (v) => v <= 10 });
    if (c.id === 'month-hourly-largest') targets.push({ store: 'duckdb', text: `p50 ≤ 20 ms${at10M}`, ok: (v) => v <= 20 });
    if (c.scope === 'store' && size.copies > 1) targets.push({ store: 'duckdb', text: '≤ 1.5 s (30M)', ok: (v) => v <= 1500 });
    out.push({
      name: `${c.label}${c.scope === 'store' ? ' †' : ', uncached'}, p50 / p95 ms`,
      unit: 'ms',
      better: 'lower',
      value: (r) => r.queries[c.id]?.p50,
      second: (r) => r.queries[c.id]?.p95,
      targets,
    });
    if (c.scope === 'account')
      out.push({
        name: `${c.label}, cached (asked again, no header), p50 / p95 ms`,
        unit: 'ms',
        better: 'lower',
        // PostgreSQL has no answer cache: its cell and the ratio use its one figure.
        value: (r) => (r.store === 'postgres' ? r.queries[c.id]?.p50 : r.cachedQueries?.[c.id]?.p50),
        second: (r) => (r.store === 'postgres' ? r.queries[c.id]?.p95 : r.cachedQueries?.[c.id]?.p95),
        targets: vsPg(c.id),
      });
  }
  if (Object.values(size.stores).some((r) => r?.export))
    out.push(
      {
        name: 'CSV export, rows/s',
        unit: '/s',
        better: 'higher',
        value: (r) => r.export?.perSecond,
        targets: [{ store: 'duckdb', text: '≥ 300,000/s', ok: (v) => v >= 300_000 }],
      },
      {
        name: 'CSV export peak RSS, MiB',
        unit: 'MiB',
        better: 'lower',
        value: (r) => r.export?.peakRss,
        targets: [{ store: 'duckdb', text: '< 300 MB', ok: (v) => v < 300e6 }],
      },
    );
  const n = Object.values(size.stores).find((r) => r?.concurrency)?.concurrency?.connections;
  const mixes: ['uncached' | 'cached', (r: StoreResult) => (LoadResult & { hitShare?: number }) | undefined][] = [
    ['uncached', (r) => r.concurrency],
    // PostgreSQL runs the mix once; its figures stand beside both runs.
    ['cached', (r) => (r.store === 'postgres' ? r.concurrency : r.concurrencyCached)],
  ];
  if (n !== undefined)
    for (const [mode, load] of mixes)
      out.push(
        {
          name: `${n} clients, dashboard mix, ${mode === 'cached' ? 'cached (after one untimed pass over the mix)' : mode}: requests/s`,
          unit: '/s',
          better: 'higher',
          value: (r) => load(r)?.rps,
          targets: [],
        },
        {
          name: `… ${mode}: p50 / p99 ms`,
          unit: 'ms',
          better: 'lower',
          value: (r) => load(r)?.p99,
          cell: (r) => `${fmt(load(r)?.p50, 'ms')} / ${fmt(load(r)?.p99, 'ms')}`,
          targets: mode === 'uncached' ? [{ store: 'duckdb', text: `p99 ≤ 200 ms${at10M}`, ok: (v) => v <= 200 }] : [],
        },
        {
          name: `… ${mode}: errors + non-2xx`,
          unit: '',
          better: 'lower',
          value: (r) => {
            const l = load(r);
            return l && l.errors + l.non2xx;
          },
          noRatio: true,
          targets: CALLSTATS.map((store) => ({ store, text: '= 0', ok: (v: number) => v === 0 })),
        },
        ...(mode === 'cached'
          ? [
              {
                name: '… cached: answer-cache hit share',
                unit: '%',
                better: 'higher' as const,
                value: (r: StoreResult) => (r.store === 'postgres' ? undefined : r.concurrencyCached?.hitShare),
                cell: (r: StoreResult) =>
                  r.store === 'postgres'
                    ? '–'
                    : r.concurrencyCached?.hitShare === undefined
                      ? 'not exposed'
                      : `${(r.concurrencyCached.hitShare * 100).toFixed(0)} %`,
                noRatio: true,
                targets: [],
              },
            ]
          : []),
      );
  return out;
}
