import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { join, resolve } from 'node:path';
import { freePort, runMeasured, waitForHttp } from './proc.js';
import { fmtInt, log } from './progress.js';

/** How to start the callstats CLI: `node ...args <command>`. */
export interface CliCommand {
  args: string[];
  /** Said in the results' machine note. */
  describe: string;
}

/**
 * Environment for every callstats child: no rate limit (benchmarks hammer one key), fixed date
 * order, `/metrics` open (the cache hit counter). `bulk` (import, compact): an hour of
 * CALLSTATS_QUERY_TIMEOUT instead of 30 s, which bounds a request, not an operator's bulk load.
 */
export function benchEnv(store: string, bulk = false): NodeJS.ProcessEnv {
  const { CALLSTATS_METRICS_TOKEN: _metricsToken, ...env } = process.env;
  return {
    ...env,
    CALLSTATS_STORE: store,
    CALLSTATS_RATE_LIMIT: '0',
    CALLSTATS_DATE_ORDER: 'dmy',
    CALLSTATS_HOST: '127.0.0.1',
    // :TRICKY: seen at load 25: `callstats import` of 1M CDRs into DuckDB failed with ERR_STORE_TIMEOUT
    // (one store call over 30 s), and a 30M import or compaction may take longer on a quiet machine.
    ...(bulk ? { CALLSTATS_QUERY_TIMEOUT: '3600' } : {}),
  };
}

/**
 * Compiles src/ into `outDir` (tsc emits even when a concurrent edit elsewhere has a type error, so
 * the figures come from the current source without a tsx loader in the measured process), or uses
 * tsx when asked or when compiling produced nothing.
 */
export function prepareCli(root: string, outDir: string, mode: 'build' | 'tsx'): CliCommand {
  const tsx: CliCommand = { args: ['--import', 'tsx', join(root, 'src/cli/run.ts')], describe: 'node --import tsx src/cli/run.ts' };
  if (mode === 'tsx') return tsx;
  rmSync(outDir, { recursive: true, force: true });
  process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
  log(`cli: compiling src/ into ${outDir}`);
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', outDir, '--sourceMap', 'false'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  const entry = join(outDir, 'cli/run.js');
  if (!existsSync(entry)) {
    log(`cli: compiling failed (${tsc.stdout.split('\n')[0] ?? ''}); using tsx`);
    return tsx;
  }
  if (tsc.status !== 0) log(`cli: tsc reported type errors (emitted anyway): ${tsc.stdout.split('\n').filter(Boolean).length} lines`);
  return { args: [entry], describe: `node ${resolve(entry).replace(resolve(root) + '/', '')} (compiled by the harness from src/)` };
}

/** What `callstats import --json` printed, with the process's peak RSS. */
export interface ImportResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  seconds: number;
  wallSeconds: number;
  peakRss: number;
}

/**
 * Writes `file` to `out` `copies` times, copy N > 0 with every `call_id` prefixed `cN-` (streamed:
 * the 30M leg is the 10M file three times, never a 48 GB file). Only the top-level key matches:
 * `"other_leg_call_id":"` has `_` before `call_id`, and a quote inside a JSON string is escaped.
 */
export async function writeCopies(file: string, copies: number, out: Writable): Promise<void> {
  const key = Buffer.from('"call_id":"');
  const put = async (b: Buffer): Promise<void> => {
    if (!out.write(b)) await once(out, 'drain');
  };
  for (let c = 0; c < copies; c++) {
    const prefix = Buffer.from(`c${c}-`);
    // Bytes, not strings: decoding 16 GB per copy as UTF-8 would cost more than the import's own reading.
    let rest = Buffer.alloc(0);
    let last = 0x0a;
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      if (c === 0) {
        if (chunk.length) last = chunk[chunk.length - 1];
        await put(chunk);
        continue;
      }
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const end = buf.lastIndexOf(0x0a) + 1;
      rest = Buffer.from(buf.subarray(end));
      const parts: Buffer[] = [];
      let at = 0;
      for (let hit = buf.indexOf(key, at); hit !== -1 && hit < end; hit = buf.indexOf(key, at)) {
        parts.push(buf.subarray(at, hit + key.length), prefix);
        at = hit + key.length;
      }
      parts.push(buf.subarray(at, end));
      await put(Buffer.concat(parts));
    }
    if (rest.length) await put(Buffer.concat([rest, Buffer.from('\n')]));
    else if (c === 0 && last !== 0x0a) await put(Buffer.from('\n')); // a last line without its newline must not run into the next copy
  }
  out.end();
}

/**
 * Runs the real `callstats import` on a file and measures it from outside; with `copies` > 1 the
 * file is piped to `callstats import -` that many times under distinct call ids (one process).
 */
export async function cliImport(cli: CliCommand, store: string, file: string, label: string, copies = 1): Promise<ImportResult> {
  let lastLog = 0;
  const r = await runMeasured(process.execPath, [...cli.args, 'import', '--json', '--store', store, copies > 1 ? '-' : file], {
    env: benchEnv(store, true),
    ...(copies > 1 ? { stdin: (input: Writable) => writeCopies(file, copies, input) } : {}),
    onStderr: (line) => {
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(`${label}: ${line.trim().slice(0, 160)}`);
      }
    },
  });
  if (r.code !== 0) throw new Error(`${label}: callstats import exited with ${r.code}\n${r.stderr.slice(-2000)}\n${r.stdout.slice(-2000)}`);
  const out = JSON.parse(r.stdout) as { accepted: number; duplicates: number; rejected: number; seconds: number };
  log(
    `${label}: imported ${fmtInt(out.accepted)} (${fmtInt(out.duplicates)} duplicates, ${out.rejected} rejected) in ${r.seconds.toFixed(1)} s, peak RSS ${(r.peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
  return { ...out, wallSeconds: r.seconds, peakRss: r.peakRss };
}

/** Runs `callstats compact` (DuckDB: re-sorts calls by account and time) and returns its wall seconds. */
export async function cliCompact(cli: CliCommand, store: string, label: string): Promise<{ seconds: number; peakRss: number }> {
  const r = await runMeasured(process.execPath, [...cli.args, 'compact', '--json', '--store', store], { env: benchEnv(store, true) });
  if (r.code !== 0) throw new Error(`${label}: callstats compact exited with ${r.code}: ${r.stderr.slice(-2000)}`);
  log(`${label}: compacted in ${r.seconds.toFixed(1)} s, peak RSS ${(r.peakRss / 2 ** 20).toFixed(0)} MiB`);
  return { seconds: r.seconds, peakRss: r.peakRss };
}

/** Creates an all-accounts API key with `callstats keys create` and returns its token. */
export async function cliCreateKey(cli: CliCommand, store: string): Promise<string> {
  const r = await runMeasured(
    process.execPath,
    [...cli.args, 'keys', 'create', '--account', '*', '--label', 'bench', '--json', '--store', store],
    { env: benchEnv(store) },
  );
  if (r.code !== 0) throw new Error(`callstats keys create exited with ${r.code}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { token: string }).token;
}

/** A running `callstats serve`. */
export interface Server {
  url: string;
  pid: number;
  /** Seconds from spawn until it answered HTTP. */
  startSeconds: number;
  /** The all-accounts key `serve` creates and prints on first start of an empty store, if it printed one. */
  firstKey?: string;
  stop(): Promise<void>;
}

const FIRST_KEY = /created an all-accounts API key[^:]*:\s*(\S+)/;

const servers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of servers) child.kill('SIGKILL');
});

/** Starts `callstats serve` on a free port and waits until it answers. */
export async function cliServe(cli: CliCommand, store: string, label: string): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...cli.args, 'serve', '--store', store, '--port', String(port), '--host', '127.0.0.1'], {
    env: benchEnv(store),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.add(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (output = (output + s).slice(-4000)));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output = (output + s).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/v2/accounts/x/call_statistics/countries`, 60_000, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${label}: callstats serve did not start: ${(err as Error).message}\n${output}`);
  }
  const startSeconds = (performance.now() - started) / 1000;
  log(`${label}: serving on ${url} (pid ${child.pid}, started in ${startSeconds.toFixed(1)} s)`);
  return {
    url,
    pid: child.pid!,
    startSeconds,
    firstKey: FIRST_KEY.exec(output)?.[1],
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) {
        servers.delete(child);
        return;
      }
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(timer);
      servers.delete(child);
    },
  };
}
