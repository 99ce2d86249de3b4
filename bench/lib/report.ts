import os from 'node:os';
import type { StoreName } from './args.js';
import type { Machine } from './machine.js';
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

function figures(size: SizeResult): Figure[] {
  const q = (id: string) => (r: StoreResult) => r.queries[id]?.p50;
  const q95 = (id: string) => (r: StoreResult) => r.queries[id]?.p95;
  const out: Figure[] = [
    {
      name: 'Ingest, CDRs/s',
      unit: '/s',
      better: 'higher',
      value: (r) => r.ingest.perSecond,
      targets: [
        { store: 'duckdb', text: '≥ 200,000/s', ok: (v) => v >= 200_000 },
        { store: 'clickhouse', text: '≥ 100,000/s', ok: (v) => v >= 100_000 },
      ],
    },
    {
      name: 'Ingest peak RSS, MiB',
      unit: 'MiB',
      better: 'lower',
      value: (r) => r.ingest.peakRss,
      targets: [{ store: 'duckdb', text: '≤ 300 MB', ok: (v) => v <= 300e6 }],
    },
  ];
  for (const c of size.cases) {
    const targets: Target[] = [];
    if (c.scope === 'account') targets.push({ store: 'duckdb', text: '≥ 5× PG', ok: (_v, r) => r !== undefined && r >= 5 });
    if (c.id.startsWith('month-hourly')) targets.push({ store: 'duckdb', text: 'p50 ≤ 15 ms', ok: (v) => v <= 15 });
    if (c.scope === 'store') {
      targets.push({ store: 'duckdb', text: '≥ 5× PG', ok: (_v, r) => r !== undefined && r >= 5 });
      targets.push({ store: 'duckdb', text: '≤ 600 ms (at 10M)', ok: (v) => v <= 600 });
      targets.push({ store: 'clickhouse', text: '≥ 10× PG', ok: (_v, r) => r !== undefined && r >= 10 });
      targets.push({ store: 'clickhouse', text: '≤ 300 ms (at 10M)', ok: (v) => v <= 300 });
    }
    out.push({
      name: `${c.label}${c.scope === 'store' ? ' †' : ''}, p50 / p95 ms`,
      unit: 'ms',
      better: 'lower',
      value: q(c.id),
      second: q95(c.id),
      targets,
    });
  }
  out.push(
    {
      name: 'CSV export, rows/s',
      unit: '/s',
      better: 'higher',
      value: (r) => r.export.perSecond,
      targets: [{ store: 'duckdb', text: '≥ 500,000/s', ok: (v) => v >= 500_000 }],
    },
    {
      name: 'CSV export peak RSS, MiB',
      unit: 'MiB',
      better: 'lower',
      value: (r) => r.export.peakRss,
      targets: [{ store: 'duckdb', text: '≤ 300 MB', ok: (v) => v <= 300e6 }],
    },
    {
      name: `${size.stores.duckdb?.concurrency.connections ?? size.stores.clickhouse?.concurrency.connections ?? 32} clients, requests/s`,
      unit: '/s',
      better: 'higher',
      value: (r) => r.concurrency.rps,
      targets: [],
    },
    {
      name: '… p50 / p99 ms',
      unit: 'ms',
      better: 'lower',
      value: (r) => r.concurrency.p99,
      second: undefined,
      targets: [
        { store: 'duckdb', text: 'p99 ≤ 100 ms', ok: (v) => v <= 100 },
        { store: 'clickhouse', text: 'p99 ≤ 100 ms', ok: (v) => v <= 100 },
      ],
    },
    {
      name: '… errors + non-2xx',
      unit: '',
      better: 'lower',
      value: (r) => r.concurrency.errors + r.concurrency.non2xx,
      targets: [
        { store: 'duckdb', text: '= 0', ok: (v) => v === 0 },
        { store: 'clickhouse', text: '= 0', ok: (v) => v === 0 },
      ],
    },
  );
  return out;
}

function cell(f: Figure, r: StoreResult | undefined): string {
  if (!r) return '–';
  if (f.name.startsWith('… p50 / p99')) return `${fmt(r.concurrency.p50, 'ms')} / ${fmt(r.concurrency.p99, 'ms')}`;
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
      const rt = ratio(v, pg ? f.value(pg) : undefined, f.better);
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

/** Each figure's p50 (or throughput) across the sizes, per store, with the growth from the first size to the last. */
export function scalingTable(sizes: SizeResult[]): string {
  if (sizes.length < 2) return '_One size only: run with several `--sizes` for the scaling curve._';
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  const sizeGrowth = last.size / first.size;
  const head = ['Figure', 'Store', ...sizes.map((s) => s.size.toLocaleString('en-US')), 'growth', 'target'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? ':--' : '--:')).join('|')}|`];
  const rows: { name: string; unit: string; get: (r: StoreResult) => number | undefined; kind: 'time' | 'rate' | 'mem'; id?: string }[] = [
    { name: 'Ingest CDRs/s', unit: '/s', get: (r) => r.ingest.perSecond, kind: 'rate' },
    { name: 'Ingest peak RSS MiB', unit: 'MiB', get: (r) => r.ingest.peakRss, kind: 'mem' },
    ...first.cases.map((c) => ({
      name: `${c.id} p50 ms`,
      unit: 'ms',
      get: (r: StoreResult) => r.queries[c.id]?.p50,
      kind: 'time' as const,
      id: c.id,
    })),
    { name: 'Export rows/s', unit: '/s', get: (r) => r.export.perSecond, kind: 'rate' },
    { name: 'Export peak RSS MiB', unit: 'MiB', get: (r) => r.export.peakRss, kind: 'mem' },
    { name: 'Concurrent p99 ms', unit: 'ms', get: (r) => r.concurrency.p99, kind: 'time' },
  ];
  for (const row of rows) {
    for (const store of ['duckdb', 'clickhouse', 'chdb', 'postgres'] as const) {
      if (!sizes.every((s) => s.stores[store])) continue;
      const vals = sizes.map((s) => row.get(s.stores[store]!));
      const g = vals[vals.length - 1]! / vals[0]!;
      let target = '';
      if (row.id === 'store-hourly-direction' && store !== 'postgres') target = g <= sizeGrowth ? 'pass (≤ linear)' : '**miss** (> linear)';
      lines.push(
        `| ${row.name} | ${store} | ${vals.map((v) => fmt(v, row.unit)).join(' | ')} | ×${Number.isFinite(g) ? g.toFixed(2) : '–'} | ${target} |`,
      );
    }
  }
  return `Calls grow ×${sizeGrowth.toFixed(1)} from the first size to the last; every account grows in proportion (Zipf shares stay fixed).\n\n${lines.join('\n')}`;
}

/** The whole RESULTS.md. */
export function renderResults(machine: Machine, sizes: SizeResult[], args: string): string {
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
    out.push(`## ${s.size.toLocaleString('en-US')} calls`, '');
    const c = s.check;
    out.push(
      c.compared.length
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
        `- ${st} export: ${r.export.rows.toLocaleString('en-US')} rows of account ${r.export.account}; ${r.export.detail}`,
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
  return out.join('\n');
}
