import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/core/config.js';
import { parseQuery } from '../../src/query/parse-query.js';
import { statistics } from '../../src/report/statistics.js';
import { openStore } from '../../src/store/open-store.js';
import { isValidTimeZone, parseCallTime } from '../../src/time/index.js';
import { startClickHouse } from '../../test/helpers/clickhouse-server.js';
import { cliCompact, cliCreateKey, cliImport, cliServe, type CliCommand } from './callstats-cli.js';
import { canonicalFromApi, diffCanonical } from './canonical.js';
import { httpLoad } from './concurrency.js';
import type { Dataset } from './dataset.js';
import { drainCsv, getStats } from './http.js';
import type { CanonicalStat } from './pg-baseline-sql.js';
import { memoryOf, pidListeningOn, resetPeak, watchMemory } from './proc.js';
import { fmtInt, log } from './progress.js';
import { casePath, type QueryCase } from './query-mix.js';
import type { StoreResult } from './results.js';
import { repeat, repeatOptions } from './timing.js';

export interface CallstatsContext {
  cli: CliCommand;
  quick: boolean;
  connections: number;
  concurrencySeconds: number;
  exportAccount: string;
  /** Canonical answers to check against (the baseline's, or another store's); empty: nothing to check. */
  reference: Map<string, CanonicalStat[]>;
  referenceName: string;
}

const MiB = 2 ** 20;

/** Thrown when a store's answer differs from the reference: the harness stops before timing anything more. */
export class AnswerMismatch extends Error {}

function check(store: string, c: QueryCase, got: CanonicalStat[], ctx: CallstatsContext, answers: Map<string, CanonicalStat[]>): number {
  answers.set(c.id, got);
  const want = ctx.reference.get(c.id);
  if (!want) return 0;
  const diff = diffCanonical(want, got);
  if (diff.length) {
    throw new AnswerMismatch(`${store} and ${ctx.referenceName} answer '${c.label}' differently:\n${diff.join('\n')}`);
  }
  return got.length;
}

/** A throw-away store of the given kind; `stop` removes it. */
async function openBenchStore(
  kind: 'duckdb' | 'clickhouse' | 'chdb',
): Promise<{ location: string; chPort?: number; version: () => Promise<string>; stop(): Promise<void> }> {
  if (kind === 'chdb') {
    // In-process: the CLI's import, `callstats serve` and the whole-store step each hold the directory in
    // turn, in their own process, as a DuckDB file is held.
    const dir = mkdtempSync(join(tmpdir(), 'callstats-bench-chdb-'));
    return {
      location: `chdb:${join(dir, 'store')}`,
      // Asked in a child process on its own directory, so this process never holds the store's.
      version: async () => {
        const probe = mkdtempSync(join(tmpdir(), 'callstats-bench-chdb-version-'));
        try {
          const code = `const { createClient } = require('@clickhouse/client'); const { createChdbConnection } = require('chdb/connection');
const c = createClient({ connection: createChdbConnection({ path: ${JSON.stringify(probe)} }) });
c.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' }).then((r) => r.json()).then((rows) => { process.stdout.write(rows[0].v); return c.close(); });`;
          return execFileSync(process.execPath, ['-e', code], { cwd: process.cwd(), encoding: 'utf8' }).trim();
        } finally {
          rmSync(probe, { recursive: true, force: true });
        }
      },
      async stop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (kind === 'duckdb') {
    const dir = mkdtempSync(join(tmpdir(), 'callstats-bench-duckdb-'));
    return {
      location: `duckdb:${join(dir, 'bench.duckdb')}`,
      version: async () => {
        const { DuckDBInstance } = await import('@duckdb/node-api');
        const db = await DuckDBInstance.create(':memory:');
        const conn = await db.connect();
        const v = (await (await conn.run('SELECT version() AS v')).getRows())[0][0];
        conn.closeSync();
        return String(v);
      },
      async stop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  log('clickhouse: starting a throw-away single server');
  const ch = await startClickHouse();
  return {
    location: `clickhouse://127.0.0.1:${ch.httpPort}/callstats_bench`,
    chPort: ch.httpPort,
    version: async () => (await (await fetch(`${ch.url}/?query=${encodeURIComponent('SELECT version()')}`)).text()).trim(),
    stop: () => ch.stop(),
  };
}

/**
 * One callstats store at one size: the real CLI import, then `callstats serve` answering the query
 * mix over HTTP (checked against the reference before it is timed), the CSV export and the
 * concurrent clients; then the whole-store question in-process (the HTTP API has no all-accounts path).
 */
export async function runCallstats(
  kind: 'duckdb' | 'clickhouse' | 'chdb',
  ds: Dataset,
  cases: QueryCase[],
  ctx: CallstatsContext,
): Promise<{ result: StoreResult; answers: Map<string, CanonicalStat[]>; checkedRows: number; version: string }> {
  const store = await openBenchStore(kind);
  const answers = new Map<string, CanonicalStat[]>();
  const notes: string[] = [];
  let checkedRows = 0;
  try {
    const version = await store.version();
    log(`${kind}: importing ${fmtInt(ds.size)} CDRs with the real CLI into ${store.location}`);
    const imp = await cliImport(ctx.cli, store.location, ds.file, `${kind} import`);
    if (imp.accepted !== ds.size) throw new Error(`${kind}: imported ${imp.accepted} calls, expected ${ds.size}`);
    if (store.chPort !== undefined) {
      const pid = pidListeningOn(store.chPort);
      const mem = pid === undefined ? undefined : memoryOf(pid);
      if (mem) notes.push(`ClickHouse server peak RSS since start (through import): ${(mem.hwm / MiB).toFixed(0)} MiB`);
    }

    if (kind === 'duckdb') {
      // An operator runs this after a bulk load (serve would also do it in the background).
      const c = await cliCompact(ctx.cli, store.location, `${kind} compact`);
      notes.push(
        `\`callstats compact\` after the import (sort by account and time): ${c.seconds.toFixed(1)} s, peak RSS ${(c.peakRss / MiB).toFixed(0)} MiB`,
      );
    }
    const server = await cliServe(ctx.cli, store.location, kind);
    notes.push(`\`callstats serve\` answered HTTP ${server.startSeconds.toFixed(1)} s after it was started`);
    // The first start of a store without keys prints an all-accounts key; otherwise make one (the
    // CLI reaches a DuckDB file held by the server through the server itself).
    const token = server.firstKey ?? (await cliCreateKey(ctx.cli, store.location));
    const queries: StoreResult['queries'] = {};
    let exported: StoreResult['export'];
    let conc: StoreResult['concurrency'];
    try {
      const accountCases = cases.filter((c) => c.scope === 'account');
      for (const c of accountCases)
        checkedRows += check(kind, c, canonicalFromApi(await getStats(server.url, casePath(c), token)), ctx, answers);
      log(
        `${kind}: per-account answers ${ctx.reference.size ? `identical to ${ctx.referenceName}` : 'recorded (no reference to check against)'}`,
      );
      for (const c of accountCases) {
        const path = casePath(c);
        queries[c.id] = { ...(await repeat(() => getStats(server.url, path, token), repeatOptions(ctx.quick, false))), via: 'http' };
        log(`${kind}: ${c.id} p50 ${queries[c.id].p50.toFixed(1)} ms, p95 ${queries[c.id].p95.toFixed(1)} ms (${queries[c.id].runs} runs)`);
      }

      log(`${kind}: CSV export of account ${ctx.exportAccount}`);
      const csvPath = `/v2/accounts/${encodeURIComponent(ctx.exportAccount)}/call_statistics/csv?q=${encodeURIComponent(JSON.stringify({ timezone: 'Pacific/Auckland' }))}`;
      const rssBefore = memoryOf(server.pid)?.rss ?? NaN;
      const reset = resetPeak(server.pid);
      const watch = watchMemory(server.pid);
      const csv = await drainCsv(server.url, csvPath, token);
      const mem = watch.stop();
      exported = {
        account: ctx.exportAccount,
        rows: csv.rows,
        seconds: csv.seconds,
        perSecond: csv.rows / csv.seconds,
        peakRss: reset ? mem.peak : mem.maxSampled,
        rssBefore,
        detail: `${csv.bytes >= MiB ? `${(csv.bytes / MiB).toFixed(0)} MiB` : `${(csv.bytes / 1024).toFixed(0)} KiB`} of CSV; server RSS ${(rssBefore / MiB).toFixed(0)} MiB before${reset ? '' : ' (peak sampled every 20 ms: VmHWM could not be reset)'}`,
      };
      const expected = ds.accounts.find((a) => a.id === ctx.exportAccount)?.calls;
      if (csv.rows !== expected)
        notes.push(`CSV export returned ${fmtInt(csv.rows)} rows; the account has ${fmtInt(expected ?? NaN)} calls`);
      log(
        `${kind}: exported ${fmtInt(csv.rows)} rows in ${csv.seconds.toFixed(2)} s, server peak RSS ${(exported.peakRss / MiB).toFixed(0)} MiB`,
      );

      log(`${kind}: ${ctx.connections} clients for ${ctx.concurrencySeconds} s over the per-account mix`);
      conc = await httpLoad(server.url, accountCases.map(casePath), token, ctx.connections, ctx.concurrencySeconds);
      log(`${kind}: ${conc.rps.toFixed(1)} requests/s, p99 ${conc.p99} ms, ${conc.errors} errors, ${conc.non2xx} non-2xx`);
    } finally {
      await server.stop();
    }

    // :TRICKY: DuckDB allows one process to open the file, so the whole-store question runs only
    // after the server has stopped; ClickHouse would not mind, but both are measured the same way.
    const storeCases = cases.filter((c) => c.scope === 'store');
    if (storeCases.length) {
      const { duckdbMemory, queryTimeoutMs } = loadConfig();
      const s = await openStore(store.location, { duckdbMemory, queryTimeoutMs });
      try {
        const config = { dateOrder: 'dmy' as const, weekStart: 'monday' as const };
        const parseCtx = { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v: string, tz: string) => parseCallTime(v, tz, 'dmy') };
        for (const c of storeCases) {
          const parsed = parseQuery(c.q, parseCtx);
          const run = () => statistics(s, undefined, c.period, parsed, config);
          checkedRows += check(kind, c, canonicalFromApi(await run()), ctx, answers);
          queries[c.id] = { ...(await repeat(run, repeatOptions(ctx.quick, true))), via: 'in-process' };
          log(
            `${kind}: ${c.id} (in-process) p50 ${queries[c.id].p50.toFixed(1)} ms, p95 ${queries[c.id].p95.toFixed(1)} ms (${queries[c.id].runs} runs)`,
          );
        }
      } finally {
        await s.close();
      }
    }

    const result: StoreResult = {
      store: kind,
      ingest: {
        rows: imp.accepted,
        seconds: imp.wallSeconds,
        perSecond: imp.accepted / imp.wallSeconds,
        peakRss: imp.peakRss,
        detail: `rate over ${imp.wallSeconds.toFixed(1)} s wall time of \`callstats import\` (start-up, zone table, reading, storing); ${imp.seconds.toFixed(1)} s by the CLI's own clock; RSS is the CLI process (Node${kind === 'duckdb' ? ' + DuckDB' : kind === 'chdb' ? ' + the in-process ClickHouse engine' : ''})`,
      },
      queries,
      export: exported,
      concurrency: conc,
      notes,
    };
    return { result, answers, checkedRows, version };
  } finally {
    await store.stop();
  }
}
