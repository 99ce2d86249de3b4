import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LegName } from './args.js';
import { runMeasured } from './proc.js';
import { log } from './progress.js';

/**
 * The stand-alone legs of issue 16, each its own script owned by its own part of the work, run
 * once per bench run as a child process. The contract between them and the harness is one line:
 * the script's last stdout line is `RESULT {json}`. A leg that fails, or prints no such line, is
 * reported as "not measured: <reason>" and the run goes on.
 */
export interface LegOutcome {
  leg: LegName;
  /** The parsed RESULT object, or undefined with `reason` saying why not. */
  result?: Record<string, unknown>;
  reason?: string;
  seconds: number;
  /** The command line, for the notes. */
  command: string;
}

/** What a leg needs to be started. */
export interface LegInput {
  /** The NDJSON file of the leg size and its meta file. */
  ndjson: string;
  meta: string;
  /** A settled DuckDB store of that data set (fresh-data copies it; it is not changed). */
  duckdbFile?: string;
  /** Which stores the export leg compares (`duckdb,postgres`). */
  stores: string;
}

/** Each leg's script and arguments (from the scripts' own usage lines). */
const LEGS: Record<LegName, { script: string; args(input: LegInput, work: string): string[] | string }> = {
  // bench/export-memory.ts CDRS.ndjson WORKDIR [duckdb,postgres]: the 1M file becomes one 2M-call account.
  export: { script: 'bench/export-memory.ts', args: (i, work) => [i.ndjson, work, i.stores] },
  // bench/fresh-data.ts STORE.duckdb CDRS.ndjson META.json [fraction] [runs]
  fresh: {
    script: 'bench/fresh-data.ts',
    args: (i) => (i.duckdbFile ? [i.duckdbFile, i.ndjson, i.meta, '0.1'] : 'no DuckDB store in this run to add fresh calls to'),
  },
  // bench/http-ingest.ts --cdrs FILE [--store STORE.duckdb] [--work DIR]: posts 200,000 CDRs to a copy of
  // the run's store (without one it imports the file first).
  'http-ingest': {
    script: 'bench/http-ingest.ts',
    args: (i, work) => ['--cdrs', i.ndjson, ...(i.duckdbFile ? ['--store', i.duckdbFile] : []), '--work', work],
  },
};

/** The JSON of a `RESULT {…}` last line of `stdout`, or a reason why there is none. */
export function parseResultLine(stdout: string): { result?: Record<string, unknown>; reason?: string } {
  const last = stdout.trimEnd().split('\n').pop() ?? '';
  if (!last.startsWith('RESULT ')) return { reason: 'the script printed no RESULT line' };
  try {
    const value = JSON.parse(last.slice('RESULT '.length)) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { reason: 'its RESULT line is not a JSON object' };
    return { result: value as Record<string, unknown> };
  } catch (err) {
    return { reason: `its RESULT line is not JSON (${(err as Error).message})` };
  }
}

/** Runs one leg in a temp work directory (removed afterwards) and returns its RESULT or why not. */
export async function runLeg(root: string, leg: LegName, input: LegInput): Promise<LegOutcome> {
  const spec = LEGS[leg];
  const work = mkdtempSync(join(tmpdir(), `callstats-bench-${leg}-`));
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  try {
    const args = spec.args(input, work);
    if (typeof args === 'string') return { leg, reason: args, seconds: 0, command: spec.script };
    const command = `node --import tsx ${spec.script} ${args.join(' ')}`;
    log(`leg ${leg}: ${command}`);
    let lastLog = 0;
    const r = await runMeasured(process.execPath, ['--import', 'tsx', join(root, spec.script), ...args], {
      cwd: root,
      onStderr: (line) => {
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          log(`leg ${leg}: ${line.trim().slice(0, 160)}`);
        }
      },
    }).catch((err: unknown) => ({ code: -1, stdout: '', stderr: (err as Error).message }));
    if (r.code !== 0) {
      // Node ends a crash with its version line; the error itself is the first line naming one.
      const lines = r.stderr.trim().split('\n').filter(Boolean);
      const why = lines.find((l) => /Error|ERR_|Cannot find/.test(l)) ?? lines[lines.length - 1] ?? '';
      return { leg, reason: `the script exited with ${r.code}${why ? `: ${why.slice(0, 200)}` : ''}`, seconds: seconds(), command };
    }
    const parsed = parseResultLine(r.stdout);
    log(`leg ${leg}: ${parsed.result ? 'RESULT read' : `not measured: ${parsed.reason}`} (${seconds().toFixed(0)} s)`);
    return { leg, ...parsed, seconds: seconds(), command };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
