import os from 'node:os';
import type { StoreName } from './args.js';
import type { Machine } from './machine.js';
import type { LegOutcome } from './legs.js';
import { figures, fmt, type Figure } from './figures.js';
import { issueTargets, targetsTable } from './targets.js';
import type { SizeResult, StoreResult } from './results.js';

const STORE_TITLE: Record<StoreName, string> = {
  duckdb: 'DuckDB (embedded)',
  clickhouse: 'ClickHouse',
  chdb: 'ClickHouse 26.x in-process (chdb)',
  postgres: 'PostgreSQL 15 baseline',
};

/** Ratio to the baseline, oriented so that > 1 always means callstats is better. */
function ratio(value: number | undefined, pg: number | undefined, better: 'lower' | 'higher'): number | undefined {
  if (value === undefined || pg === undefined || !Number.isFinite(value) || !Number.isFinite(pg) || value <= 0 || pg <= 0) return undefined;
  return better === 'lower' ? pg / value : value / pg;
}
const fmtRatio = (r: number | undefined): string => (r === undefined ? '–' : `×${r >= 10 ? r.toFixed(0) : r.toFixed(1)}`);

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

/** Each leg's RESULT as nested bullets, or why it was not measured. */
function legSections(legs: LegOutcome[]): string[] {
  if (!legs.length) return ['_No legs in this run (`--legs none`)._'];
  const out: string[] = [];
  for (const l of legs) {
    out.push(`### ${l.leg}`, '', `\`${l.command}\`${l.seconds ? ` (${l.seconds.toFixed(0)} s)` : ''}`, '');
    if (!l.result) {
      out.push(`not measured: ${l.reason}`, '');
      continue;
    }
    out.push(...bullets(l.result, 0));
    out.push('');
  }
  return out;
}

/** A RESULT object as nested bullets: flat values on one line, objects one level deeper. */
function bullets(o: Record<string, unknown>, depth: number): string[] {
  const pad = '  '.repeat(depth);
  const show = (v: unknown): string =>
    typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : String(Math.round(v * 100) / 100)) : JSON.stringify(v);
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const flat = Object.entries(o).filter(([, v]) => !isObject(v) && !(Array.isArray(v) && v.some(isObject)));
  const out: string[] = flat.length ? [`${pad}- ${flat.map(([k, v]) => `${k} ${show(v)}`).join(', ')}`] : [];
  for (const [k, v] of Object.entries(o)) {
    if (isObject(v)) out.push(`${pad}- ${k}:`, ...bullets(v, depth + 1));
    else if (Array.isArray(v) && v.some(isObject))
      v.forEach((item, i) => out.push(`${pad}- ${k}[${i}]:`, ...(isObject(item) ? bullets(item, depth + 1) : [`${pad}  - ${show(item)}`])));
  }
  return out;
}
