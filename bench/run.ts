/**
 * The benchmark harness (issue 5): `npm run bench -- [--sizes …] [--stores …] [--quick] [--out …] [--seed N]`.
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
import { queryMix } from './lib/query-mix.js';
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

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opts = parseBenchArgs(argv);
  const callstatsStores = opts.stores.filter((s): s is 'duckdb' | 'clickhouse' | 'chdb' => s !== 'postgres');
  const cli = callstatsStores.length
    ? prepareCli(ROOT, join(OUT_DIR, `dist-${process.pid}`), opts.cli)
    : { args: [], describe: '(no callstats store in this run)' };
  const machine = describeMachine(ROOT, cli.describe);
  log(
    `machine: ${machine.cpus} CPUs, ${machine.cpuModel}, load ${machine.loadAtStart}; sizes ${opts.sizes.map(fmtInt).join(', ')}; stores ${opts.stores.join(', ')}${opts.quick ? '; quick' : ''}`,
  );
  const sizes: SizeResult[] = [];
  for (const size of opts.sizes) {
    log(`=== ${fmtInt(size)} calls ===`);
    const ds = await ensureDataset(OUT_DIR, opts.seed, size);
    const zones = await pickCalleeZones(ds.file);
    const cases = queryMix(ds, zones);
    const exp = exportAccount(ds);
    log(
      `accounts: largest ${fmtInt(ds.accounts[0].calls)} calls, smallest ${fmtInt(ds.accounts[ds.accounts.length - 1].calls)}; export account ${exp.id} (${fmtInt(exp.calls)} calls)`,
    );
    const result: SizeResult = {
      size: ds.size,
      largestAccountCalls: ds.accounts[0].calls,
      cases,
      stores: {},
      check: { reference: 'postgres', compared: [], passed: true },
    };
    const common = { quick: opts.quick, connections: opts.connections, concurrencySeconds: opts.concurrencySeconds, exportAccount: exp.id };

    let reference = new Map<string, CanonicalStat[]>();
    let referenceName: StoreName = 'postgres';
    if (opts.stores.includes('postgres')) {
      const pg = await runPostgres(ds, cases, common);
      result.stores.postgres = pg.result;
      reference = pg.answers;
      machine.versions.PostgreSQL = pg.version;
    }
    for (const kind of callstatsStores) {
      const r = await runCallstats(kind, ds, cases, { ...common, cli, reference, referenceName });
      result.stores[kind] = r.result;
      machine.versions[kind === 'duckdb' ? 'DuckDB' : kind === 'chdb' ? 'ClickHouse in-process (chdb)' : 'ClickHouse server'] = r.version;
      if (reference.size) result.check.compared.push({ store: kind, cases: cases.length, rows: r.checkedRows });
      else {
        // Without the baseline the first callstats store is the reference for the next one.
        reference = r.answers;
        referenceName = kind;
        result.check.reference = kind;
      }
    }
    sizes.push(result);
    // Written after every size, so a long run that is stopped keeps the sizes it finished.
    writeResults(renderResults(machine, sizes, argv.join(' ')), opts.out, sizes.length < opts.sizes.length);
  }
  const markdown = renderResults(machine, sizes, argv.join(' '));
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
