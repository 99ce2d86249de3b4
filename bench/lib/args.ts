import { parseArgs } from 'node:util';

import { createRequire } from 'node:module';

/** `chdb`: ClickHouse 26.x in the callstats process (the `chdb` package, not a dependency: .ci/run installs it). */
export type StoreName = 'duckdb' | 'clickhouse' | 'chdb' | 'postgres';
export const STORE_NAMES: readonly StoreName[] = ['duckdb', 'clickhouse', 'chdb', 'postgres'];

/** Whether the chdb package is installed here (the default store list includes chdb only then). */
function chdbInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('chdb/connection');
    return true;
  } catch {
    return false;
  }
}

/** What one `npm run bench` does. */
export interface BenchOptions {
  sizes: number[];
  stores: StoreName[];
  quick: boolean;
  out: string;
  seed: number;
  /** How callstats runs: compiled once into bench/out/dist (default), or through tsx. */
  cli: 'build' | 'tsx';
  /** Seconds of the 32-client run; default 30, or 3 with --quick. */
  concurrencySeconds: number;
  connections: number;
  /**
   * DuckDB-only sizes beyond the data files (issue 16's 30M leg): each is a whole multiple of the
   * largest `--sizes` entry that divides it, imported as that many copies under distinct call ids.
   * Default 30,000,000 when --sizes has 10M and --quick is off, else none.
   */
  duckdbSizes: number[];
  /** The stand-alone legs run once per bench run (export memory, fresh data, HTTP ingest). */
  legs: LegName[];
}

export type LegName = 'export' | 'fresh' | 'http-ingest';
export const LEG_NAMES: readonly LegName[] = ['export', 'fresh', 'http-ingest'];

export const USAGE = `usage: npm run bench -- [--sizes 1000000,3000000,10000000] [--stores duckdb,clickhouse,chdb,postgres]
                       [--quick] [--out bench/RESULTS.md] [--seed N] [--cli build|tsx]
                       [--duration SECONDS] [--connections N] [--duckdb-sizes 30000000|none]
                       [--legs export,fresh,http-ingest|none]`;

function positiveInt(text: string, flag: string): number {
  const clean = text.replace(/_/g, '');
  const n = /^\d+(\.\d+)?[kKmM]?$/.test(clean)
    ? Number(clean.replace(/[kKmM]$/, '')) * (/[kK]$/.test(clean) ? 1e3 : /[mM]$/.test(clean) ? 1e6 : 1)
    : NaN;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag}: '${text}' is not a positive whole number`);
  return n;
}

/** Parses the harness flags; sizes accept `1000000`, `1_000_000`, `1M` or `100k`. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: '1000000,3000000,10000000' },
      stores: { type: 'string', default: STORE_NAMES.filter((s) => s !== 'chdb' || chdbInstalled()).join(',') },
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench/RESULTS.md' },
      seed: { type: 'string', default: '20250101' },
      cli: { type: 'string', default: 'build' },
      duration: { type: 'string' },
      connections: { type: 'string', default: '32' },
      'duckdb-sizes': { type: 'string' },
      legs: { type: 'string', default: LEG_NAMES.join(',') },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const sizes = values.sizes.split(',').map((s) => positiveInt(s.trim(), '--sizes'));
  const stores = values.stores.split(',').map((s) => s.trim());
  for (const s of stores)
    if (!STORE_NAMES.includes(s as StoreName)) throw new Error(`--stores: unknown store '${s}' (${STORE_NAMES.join(', ')})`);
  const list = (text: string): string[] =>
    text.trim() === 'none'
      ? []
      : text
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
  const legs = list(values.legs);
  for (const l of legs)
    if (!LEG_NAMES.includes(l as LegName)) throw new Error(`--legs: unknown leg '${l}' (${LEG_NAMES.join(', ')}, or none)`);
  // The 30M leg is the 10M file three times: on by default in a full run that has the 10M size.
  const fullRun = !values.quick && sizes.includes(10_000_000);
  const duckdbSizes = list(values['duckdb-sizes'] ?? (fullRun ? '30000000' : 'none')).map((s) => positiveInt(s, '--duckdb-sizes'));
  if (values.cli !== 'build' && values.cli !== 'tsx') throw new Error(`--cli must be build or tsx, not '${values.cli}'`);
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    stores: STORE_NAMES.filter((s) => stores.includes(s)),
    quick: values.quick,
    out: values.out,
    seed: positiveInt(values.seed, '--seed'),
    cli: values.cli,
    concurrencySeconds: values.duration ? positiveInt(values.duration, '--duration') : values.quick ? 3 : 30,
    connections: positiveInt(values.connections, '--connections'),
    duckdbSizes: [...new Set(duckdbSizes)].sort((a, b) => a - b),
    legs: LEG_NAMES.filter((l) => legs.includes(l)),
  };
}
