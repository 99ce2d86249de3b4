/**
 * The benchmark harness (issues 5 and 16): `npm run bench -- [--sizes …] [--stores …] [--duckdb-sizes …] [--legs …] [--quick] [--out …] [--seed N]`.
 * See bench/README.md for what each figure means. Progress goes to stderr; the results table is
 * written to --out and printed on stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, type StoreName } from './lib/args.js';
import { prepareCli } from './lib/callstats-cli.js';
import { ensureDataset, type Dataset } from './lib/dataset.js';
import { describeMachine } from './lib/machine.js';
import type { CanonicalStat } from './lib/pg-baseline-sql.js';
import { fmtInt, log } from './lib/progress.js';
import { dashboardMix, queryMix } from './lib/query-mix.js';
import { runLeg, type LegOutcome } from './lib/legs.js';
import { renderResults } from './lib/report.js';
import type { SizeResult } from './lib/results.js';
import { AnswerMismatch, runCallstats } from './lib/run-callstats.js';
import { runPostgres } from './lib/run-postgres.js';
import { pickCalleeZones } from './lib/zones.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'bench/out');
const EXPORT_ROWS = 1_000_000;

/** The account whose calls are nearest to a million (on a log scale): the CSV export's subject. */
function exportAccount(ds: Dataset): { id: string; calls: number } {
  const distance = (n: number): number => Math.abs(Math.log(n / EXPORT_ROWS));
  return ds.accounts.reduce((best, a) => (distance(a.calls) < distance(best.calls) ? a : best));
}

/** One column of the run: a data file imported `copies` times (the 30M DuckDB leg: the 10M file 3×). */
interface Step {
  size: number;
  base: number;
  copies: number;
}

/** The plain sizes, then each DuckDB-only size as copies of the largest plain size that divides it. */
function plan(sizes: number[], duckdbSizes: number[], stores: StoreName[]): Step[] {
  const steps: Step[] = sizes.map((size) => ({ size, base: size, copies: 1 }));
  if (!stores.includes('duckdb')) {
    if (duckdbSizes.length) log(`--duckdb-sizes ${duckdbSizes.join(',')}: skipped, duckdb is not among --stores`);
    return steps;
  }
  for (const size of duckdbSizes) {
    const base = [...sizes].reverse().find((b) => size % b === 0 && size > b);
    if (base === undefined) throw new Error(`--duckdb-sizes ${size}: not a multiple (> 1) of any of --sizes ${sizes.join(',')}`);
    steps.push({ size, base, copies: size / base });
  }
  return steps;
}

/** The size the stand-alone legs run at: 1M when the run has it, else its smallest size. */
const legSizeOf = (sizes: number[]): number => (sizes.includes(1_000_000) ? 1_000_000 : sizes[0]);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opts = parseBenchArgs(argv);
  const callstatsStores = opts.stores.filter((s): s is 'duckdb' | 'clickhouse' | 'chdb' => s !== 'postgres');
  const cli = callstatsStores.length
    ? prepareCli(ROOT, join(OUT_DIR, `dist-${process.pid}`), opts.cli)
    : { args: [], describe: '(no callstats store in this run)' };
  const machine = describeMachine(ROOT, cli.describe);
  const steps = plan(opts.sizes, opts.duckdbSizes, opts.stores);
  log(
    `machine: ${machine.cpus} CPUs, ${machine.cpuModel}, load ${machine.loadAtStart}; sizes ${steps.map((s) => fmtInt(s.size) + (s.copies > 1 ? ` (duckdb, ${s.copies}× ${fmtInt(s.base)})` : '')).join(', ')}; stores ${opts.stores.join(', ')}; legs ${opts.legs.join(', ') || 'none'}${opts.quick ? '; quick' : ''}`,
  );
  const sizes: SizeResult[] = [];
  const legs: LegOutcome[] = [];
  const zonesOf = new Map<string, number[]>();
  const legSize = legSizeOf(opts.sizes);
  const pgStores = opts.stores.filter((s) => s === 'duckdb' || s === 'postgres').join(',');
  const write = (partial: boolean): void => writeResults(renderResults(machine, sizes, argv.join(' '), legs), opts.out, partial);
  for (const step of steps) {
    log(`=== ${fmtInt(step.size)} calls${step.copies > 1 ? ` (the ${fmtInt(step.base)} file ${step.copies} times, DuckDB only)` : ''} ===`);
    const file = await ensureDataset(OUT_DIR, opts.seed, step.base);
    const ds: Dataset =
      step.copies === 1
        ? file
        : { ...file, size: step.size, accounts: file.accounts.map((a) => ({ id: a.id, calls: a.calls * step.copies })) };
    // Read once per data file (a pass over 16 GB at 10M): the 30M column reuses the 10M file's pick.
    const zones = zonesOf.get(ds.file) ?? (await pickCalleeZones(ds.file));
    zonesOf.set(ds.file, zones);
    const cases = queryMix(ds, zones);
    const mix = dashboardMix(ds);
    const exp = exportAccount(ds);
    log(
      `accounts: largest ${fmtInt(ds.accounts[0].calls)} calls, smallest ${fmtInt(ds.accounts[ds.accounts.length - 1].calls)}; export account ${exp.id} (${fmtInt(exp.calls)} calls); ${fmtInt(mix.length)} dashboard questions`,
    );
    const result: SizeResult = {
      size: ds.size,
      copies: step.copies,
      largestAccountCalls: ds.accounts[0].calls,
      cases,
      stores: {},
      check: { reference: 'postgres', compared: [], passed: true },
    };
    const common = { quick: opts.quick, connections: opts.connections, concurrencySeconds: opts.concurrencySeconds, exportAccount: exp.id };
    const legInput = { ndjson: file.file, meta: file.file.replace(/\.ndjson$/, '.meta.json'), stores: pgStores };
    const runsLegs = step.copies === 1 && step.size === legSize;

    let reference = new Map<string, CanonicalStat[]>();
    let referenceName: StoreName = 'postgres';
    if (opts.stores.includes('postgres') && step.copies === 1) {
      const pg = await runPostgres(ds, cases, { ...common, loadQuestions: mix.map((m) => m.pg) });
      result.stores.postgres = pg.result;
      reference = pg.answers;
      machine.versions.PostgreSQL = pg.version;
    }
    for (const kind of step.copies === 1 ? callstatsStores : (['duckdb'] as const)) {
      const r = await runCallstats(kind, ds, cases, {
        ...common,
        cli,
        reference,
        referenceName,
        copies: step.copies,
        timeExport: step.copies === 1,
        loadPaths: step.copies === 1 ? mix.map((m) => m.path) : undefined,
        // The legs that start from a store use this one (they copy it) before it is removed.
        afterDuckdb: runsLegs
          ? async (duckdbFile) => {
              for (const leg of opts.legs.filter((l) => l !== 'export')) legs.push(await runLeg(ROOT, leg, { ...legInput, duckdbFile }));
            }
          : undefined,
      });
      result.stores[kind] = r.result;
      machine.versions[kind === 'duckdb' ? 'DuckDB' : kind === 'chdb' ? 'ClickHouse in-process (chdb)' : 'ClickHouse server'] = r.version;
      if (reference.size) result.check.compared.push({ store: kind, cases: cases.length, rows: r.checkedRows });
      else if (step.copies === 1) {
        // Without the baseline the first callstats store is the reference for the next one.
        reference = r.answers;
        referenceName = kind;
        result.check.reference = kind;
      }
    }
    sizes.push(result);
    if (runsLegs) {
      // Without a DuckDB store in the run: fresh is reported as not measured, http-ingest imports its own.
      for (const leg of opts.legs) if (!legs.some((l) => l.leg === leg)) legs.push(await runLeg(ROOT, leg, legInput));
    }
    // Written after every size, so a long run that is stopped keeps the sizes it finished.
    write(sizes.length < steps.length);
  }
  const markdown = renderResults(machine, sizes, argv.join(' '), legs);
  writeResults(markdown, opts.out, false);
  process.stdout.write(markdown);
}

function writeResults(markdown: string, file: string, partial: boolean): void {
  const out = resolve(process.cwd(), file);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, partial ? `${markdown}\n_Run in progress: larger sizes still to come._\n` : markdown);
  log(`results ${partial ? 'so far ' : ''}written to ${out}`);
}

main().then(
  // Child servers are stopped by now; open handles (undici keep-alive) must not hold the exit.
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof AnswerMismatch) log(`ABORTED: answers differ, nothing more is timed.\n${err.message}`);
    else log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
