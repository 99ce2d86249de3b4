import os from 'node:os';
import type { StoreName } from './args.js';
import type { Machine } from './machine.js';
import type { LoadResult } from './concurrency.js';
import type { LegOutcome } from './legs.js';
import { LARGE_CLASSES } from './query-mix.js';
import { issueTargets, targetsTable } from './targets.js';
import type { SizeResult, StoreResult } from './results.js';

const MiB = 2 ** 20;
const STORE_TITLE: Record<StoreName, string> = {
  duckdb: 'DuckDB (embedded)',
  clickhouse: 'ClickHouse',
  chdb: 'ClickHouse 26.x in-process (chdb)',
  postgres: 'PostgreSQL 15 baseline',
};

/** One row of the results table: how to read a figure from a store's result, and its targets. */
interface Figure {
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

interface Target {
  store: StoreName;
  text: string;
  ok(value: number, ratio: number | undefined): boolean;
}

const fmt = (v: number | undefined, unit: string): string => {
  if (v === undefined || !Number.isFinite(v)) return '–';
  if (unit === 'MiB') return (v / MiB).toFixed(0);
  if (unit === 'ms') return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
  if (unit === '/s') return v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
  return String(Math.round(v * 100) / 100);
};

/** Ratio to the baseline, oriented so that > 1 always means callstats is better. */
function ratio(value: number | undefined, pg: number | undefined, better: 'lower' | 'higher'): number | undefined {
  if (value === undefined || pg === undefined || !Number.isFinite(value) || !Number.isFinite(pg) || value <= 0 || pg <= 0) return undefined;
  return better === 'lower' ? pg / value : value / pg;
}
const fmtRatio = (r: number | undefined): string => (r === undefined ? '–' : `×${r >= 10 ? r.toFixed(0) : r.toFixed(1)}`);

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

function figures(size: SizeResult): Figure[] {
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
          name: `${n} clients, dashboard mix, ${mode}: requests/s`,
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

function cell(f: Figure, r: StoreResult | undefined): string {
  if (!r) return '–';
  if (f.cell) return f.cell(r);
  const v = fmt(f.value(r), f.unit);
  return f.second ? `${v} / ${fmt(f.second(r), f.unit)}` : v;
}

/** The main table of one size: every figure per store, its ratio to the baseline and the targets. */
export function sizeTable(size: SizeResult): { markdown: string; verdicts: { text: string; ok: boolean }[] } {
  const stores = (['duckdb', 'clickhouse', 'chdb'] as const).filter((s) => size.stores[s]);
  const pg = size.stores.postgres;
  const head = ['Figure', ...stores.flatMap((s) => [STORE_TITLE[s], 'vs PG']), ...(pg ? [STORE_TITLE.postgres] : []), 'Target: result'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ':--' : '--:')).join('|')}|`];
  const verdicts: { text: string; ok: boolean }[] = [];
  for (const f of figures(size)) {
    const row = [f.name];
    const results: string[] = [];
    for (const s of stores) {
      const r = size.stores[s]!;
      const v = f.value(r);
      const rt = f.noRatio ? undefined : ratio(v, pg ? f.value(pg) : undefined, f.better);
      row.push(cell(f, r), fmtRatio(rt));
      for (const t of f.targets.filter((t) => t.store === s)) {
        const ok = v !== undefined && Number.isFinite(v) && t.ok(v, rt);
        results.push(`${s} ${t.text}: ${ok ? 'pass' : '**miss**'}`);
        verdicts.push({
          text: `${f.name} — ${s} ${t.text}: ${fmt(v, f.unit)}${f.unit === 'MiB' ? ' MiB' : f.unit === 'ms' ? ' ms' : f.unit}${rt !== undefined ? ` (${fmtRatio(rt)} vs PG)` : ''}`,
          ok,
        });
      }
    }
    if (pg) row.push(cell(f, pg));
    row.push(results.join('; ') || '');
    lines.push(`| ${row.join(' | ')} |`);
  }
  return { markdown: lines.join('\n'), verdicts };
}

/**
 * Each figure's p50 (or throughput) across the sizes, per store, with the growth from its first
 * measured size to its last (the 30M column has DuckDB only).
 */
export function scalingTable(sizes: SizeResult[]): string {
  if (sizes.length < 2) return '_One size only: run with several `--sizes` for the scaling curve._';
  const first = sizes[0];
  const head = [
    'Figure',
    'Store',
    ...sizes.map((s) => `${s.size.toLocaleString('en-US')}${s.copies > 1 ? ` (${s.copies}×)` : ''}`),
    'growth',
    'calls grew',
    'target',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? ':--' : '--:')).join('|')}|`];
  const rows: { name: string; unit: string; get: (r: StoreResult) => number | undefined; id?: string }[] = [
    { name: 'Ingest CDRs/s', unit: '/s', get: (r) => r.ingest.perSecond },
    { name: 'Ingest peak RSS MiB', unit: 'MiB', get: (r) => r.ingest.peakRss },
    ...first.cases.map((c) => ({
      name: `${c.id} p50 ms${c.scope === 'account' ? ' (uncached)' : ''}`,
      unit: 'ms',
      get: (r: StoreResult) => r.queries[c.id]?.p50,
      id: c.id,
    })),
    { name: 'Export rows/s', unit: '/s', get: (r) => r.export?.perSecond },
    { name: 'Export peak RSS MiB', unit: 'MiB', get: (r) => r.export?.peakRss },
    { name: 'Clients p99 ms (uncached)', unit: 'ms', get: (r) => r.concurrency?.p99 },
  ];
  for (const row of rows) {
    for (const store of ['duckdb', 'clickhouse', 'chdb', 'postgres'] as const) {
      const vals = sizes.map((s) => (s.stores[store] ? row.get(s.stores[store]) : undefined));
      const at = vals.map((v, i) => (v !== undefined && Number.isFinite(v) ? i : -1)).filter((i) => i >= 0);
      if (at.length < 2) continue;
      const [i0, i1] = [at[0], at[at.length - 1]];
      const g = vals[i1]! / vals[i0]!;
      const calls = sizes[i1].size / sizes[i0].size;
      let target = '';
      if (row.id === 'store-hourly-direction' && store !== 'postgres') target = g <= calls ? 'pass (≤ linear)' : '**miss** (> linear)';
      lines.push(
        `| ${row.name} | ${store} | ${vals.map((v) => fmt(v, row.unit)).join(' | ')} | ×${Number.isFinite(g) ? g.toFixed(2) : '–'} | ×${calls.toFixed(1)} | ${target} |`,
      );
    }
  }
  return `Growth is from each row's first measured size to its last; every account grows in proportion (Zipf shares stay fixed; the 30M column is the 10M file three times under distinct call ids).\n\n${lines.join('\n')}`;
}

/** The whole RESULTS.md. */
export function renderResults(machine: Machine, sizes: SizeResult[], args: string, legs: LegOutcome[] = []): string {
  const out: string[] = [];
  out.push('# callstats benchmark results', '');
  out.push(
    `Generated by \`npm run bench -- ${args}\` on ${machine.date}. Do not edit: re-run the harness. How to read this: [README.md](README.md).`,
    '',
  );
  out.push('## Machine', '');
  out.push(`- ${machine.cpus} CPUs: ${machine.cpuModel}; ${machine.memoryGiB.toFixed(1)} GiB memory`);
  out.push(
    `- load average at start: ${machine.loadAtStart}; at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} (a shared machine makes every figure noisy)`,
  );
  out.push(
    `- Node ${machine.node}; ${Object.entries(machine.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}`,
  );
  out.push(`- callstats ${machine.commit}, run as \`${machine.cli}\``, '');
  for (const s of sizes) {
    out.push(`## ${s.size.toLocaleString('en-US')} calls${s.copies > 1 ? ' (DuckDB only)' : ''}`, '');
    const c = s.check;
    out.push(
      s.copies > 1
        ? `The data file of ${(s.size / s.copies).toLocaleString('en-US')} calls imported ${s.copies} times under distinct call ids (every account grows in proportion). **No PostgreSQL and no answer check at this size** (loading 30M rows into the baseline alone would take longer than the whole bench may), no CSV export (the 2M-row export leg measures memory) and no concurrent clients.`
        : c.compared.length
          ? `**Answer check ${c.passed ? 'passed' : 'FAILED'}**: before timing, every question's answer (bucket local start, group, total, min, max, mean, median) was compared with ${c.reference === 'postgres' ? 'PostgreSQL' : c.reference}'s: ${c.compared.map((x) => `${x.store} ${x.cases} questions, ${x.rows.toLocaleString('en-US')} rows identical`).join('; ')}.`
          : '**Answer check: not run** (only one store in this run).',
      '',
    );
    const { markdown, verdicts } = sizeTable(s);
    out.push(markdown, '');
    out.push(
      'Ratios (“vs PG”) are oriented so that ×N > 1 means callstats is N times better than the baseline (faster, more throughput, or less memory). † whole-store: asked in-process through `statistics(store, undefined, …)`, because the HTTP API has no all-accounts path (the other questions go over HTTP to `callstats serve`).',
      '',
    );
    const notes = (['duckdb', 'clickhouse', 'chdb', 'postgres'] as const).flatMap((st) => {
      const r = s.stores[st];
      if (!r) return [];
      return [
        `- ${st} ingest: ${r.ingest.detail}`,
        ...(r.export
          ? [`- ${st} export: ${r.export.rows.toLocaleString('en-US')} rows of account ${r.export.account}; ${r.export.detail}`]
          : []),
        ...r.notes.map((n) => `- ${st}: ${n}`),
      ];
    });
    out.push(...notes, '');
    const missed = verdicts.filter((v) => !v.ok);
    out.push(`Targets at this size: ${verdicts.length - missed.length} of ${verdicts.length} met.${missed.length ? ' Missed:' : ''}`, '');
    for (const v of missed) out.push(`- ${v.text}`);
    if (missed.length) out.push('');
  }
  if (sizes.length) {
    out.push('## Scaling', '', scalingTable(sizes), '');
  }
  out.push('## Stand-alone legs', '', ...legSections(legs), '');
  out.push(
    '## Issue 16 targets',
    '',
    'Per-account questions are judged **uncached** (every timed request sends `Cache-Control: no-cache`, so the answer is computed afresh); "no query class slower than PostgreSQL" is judged both ways. The 32-client target is judged on the uncached run; the cached run is shown beside it. Targets stated for 10M are judged at 10M (or the largest size run, which the line says).',
    '',
    targetsTable(issueTargets(sizes, legs)),
    '',
  );
  return out.join('\n');
}

/** Each leg's RESULT as a list (nested objects one line each), or why it was not measured. */
function legSections(legs: LegOutcome[]): string[] {
  if (!legs.length) return ['_No legs in this run (`--legs none`)._'];
  const out: string[] = [];
  const show = (v: unknown): string =>
    typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : String(Math.round(v * 100) / 100)) : JSON.stringify(v);
  for (const l of legs) {
    out.push(`### ${l.leg}`, '', `\`${l.command}\`${l.seconds ? ` (${l.seconds.toFixed(0)} s)` : ''}`, '');
    if (!l.result) {
      out.push(`not measured: ${l.reason}`, '');
      continue;
    }
    for (const [k, v] of Object.entries(l.result)) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v))
        out.push(
          `- ${k}: ${Object.entries(v as Record<string, unknown>)
            .map(([k2, v2]) => `${k2} ${show(v2)}`)
            .join(', ')}`,
        );
      else out.push(`- ${k}: ${show(v)}`);
    }
    out.push('');
  }
  return out;
}
