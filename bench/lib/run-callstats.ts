import { loadConfig } from '../../src/core/config.js';
import { parseQuery } from '../../src/query/parse-query.js';
import { statistics } from '../../src/report/statistics.js';
import { openStore } from '../../src/store/open-store.js';
import { isValidTimeZone, parseCallTime } from '../../src/time/index.js';
import { openBenchStore } from './bench-store.js';
import { cliCompact, cliCreateKey, cliImport, cliServe, type CliCommand, type Server } from './callstats-cli.js';
import { canonicalFromApi, diffCanonical } from './canonical.js';
import { httpLoad, type LoadResult } from './concurrency.js';
import type { Dataset } from './dataset.js';
import { drainCsv, getStats, metricTotal, NO_CACHE } from './http.js';
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
  /** The 32 clients' dashboard-shaped paths; undefined: no concurrent clients at this size (the 30M leg). */
  loadPaths?: string[];
  /** Whether the CSV export is timed at this size (not in the 30M leg: the 2M-row export leg covers it). */
  timeExport: boolean;
  /** The data file is imported this many times under distinct call ids (the 30M leg: 3). */
  copies: number;
  /** Called with the DuckDB file after every step, before the store is removed (the fresh-data leg). */
  afterDuckdb?: (file: string) => Promise<void>;
}

const MiB = 2 ** 20;
/** The answer cache's hit counter on `/metrics` (issue 16); absent until the cache exists. */
const CACHE_HITS = 'callstats_answer_cache_hits_total';

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

/**
 * Asks every path once, `connections` at a time, untimed: the dashboards asked the same questions
 * a minute ago, so the cached run starts from a server that has seen each of them (bench/README.md).
 */
async function askEachOnce(server: Server, token: string, paths: string[], connections: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < paths.length) await getStats(server.url, paths[next++], token);
    }),
  );
}

/**
 * The dashboard mix run twice: uncached (every request says no-cache), then, after one untimed
 * pass over the mix (dashboards re-ask what they asked a minute ago), cached, with the cache's hit share.
 */
async function clients(kind: string, server: Server, token: string, paths: string[], ctx: CallstatsContext) {
  log(`${kind}: ${ctx.connections} clients for ${ctx.concurrencySeconds} s over ${fmtInt(paths.length)} dashboard questions, uncached`);
  const uncached = await httpLoad(server.url, paths, token, ctx.connections, ctx.concurrencySeconds, NO_CACHE);
  log(
    `${kind}: uncached ${uncached.rps.toFixed(1)} requests/s, p99 ${uncached.p99} ms, ${uncached.errors} errors, ${uncached.non2xx} non-2xx`,
  );
  log(`${kind}: one untimed pass over the ${fmtInt(paths.length)} dashboard questions (what the dashboards asked a minute ago)`);
  await askEachOnce(server, token, paths, ctx.connections);
  const hitsBefore = await metricTotal(server.url, CACHE_HITS);
  const cached: LoadResult & { hitShare?: number } = await httpLoad(server.url, paths, token, ctx.connections, ctx.concurrencySeconds);
  const hitsAfter = await metricTotal(server.url, CACHE_HITS);
  if (hitsBefore !== undefined && hitsAfter !== undefined && cached.requests > 0)
    cached.hitShare = (hitsAfter - hitsBefore) / cached.requests;
  log(
    `${kind}: cached ${cached.rps.toFixed(1)} requests/s, p99 ${cached.p99} ms, ${cached.errors} errors, ${cached.non2xx} non-2xx, cache hits ${cached.hitShare === undefined ? 'not exposed' : `${(cached.hitShare * 100).toFixed(0)} %`}`,
  );
  return { uncached, cached };
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
    log(
      `${kind}: importing ${fmtInt(ds.size)} CDRs with the real CLI into ${store.location}${ctx.copies > 1 ? ` (${ds.file} ${ctx.copies} times, piped to \`import -\` under distinct call ids)` : ''}`,
    );
    const imp = await cliImport(ctx.cli, store.location, ds.file, `${kind} import`, ctx.copies);
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
    // Idle: started, zone table loaded, nothing asked yet but the start-up probe; a second to settle.
    await new Promise((r) => setTimeout(r, 1000));
    const idleRss = memoryOf(server.pid)?.rss;
    if (idleRss !== undefined) log(`${kind}: serve RSS at idle ${(idleRss / MiB).toFixed(0)} MiB`);
    const queries: StoreResult['queries'] = {};
    const cachedQueries: StoreResult['queries'] = {};
    let exported: StoreResult['export'];
    let conc: StoreResult['concurrency'];
    let concCached: StoreResult['concurrencyCached'];
    try {
      const accountCases = cases.filter((c) => c.scope === 'account');
      // Checked computed afresh, then asked again without the header: a cached answer must be the same answer.
      for (const c of accountCases) {
        checkedRows += check(kind, c, canonicalFromApi(await getStats(server.url, casePath(c), token, NO_CACHE)), ctx, answers);
        const again = canonicalFromApi(await getStats(server.url, casePath(c), token));
        const diff = diffCanonical(answers.get(c.id)!, again);
        if (diff.length)
          throw new AnswerMismatch(`${kind} answers '${c.label}' differently when asked again (cached):\n${diff.join('\n')}`);
      }
      log(
        `${kind}: per-account answers ${ctx.reference.size ? `identical to ${ctx.referenceName}` : 'recorded (no reference to check against)'}, and the same when asked again`,
      );
      for (const c of accountCases) {
        const path = casePath(c);
        queries[c.id] = {
          ...(await repeat(() => getStats(server.url, path, token, NO_CACHE), repeatOptions(ctx.quick, false))),
          via: 'http',
        };
        cachedQueries[c.id] = { ...(await repeat(() => getStats(server.url, path, token), repeatOptions(ctx.quick, false))), via: 'http' };
        log(
          `${kind}: ${c.id} uncached p50 ${queries[c.id].p50.toFixed(1)} ms, p95 ${queries[c.id].p95.toFixed(1)} ms (${queries[c.id].runs} runs); cached p50 ${cachedQueries[c.id].p50.toFixed(2)} ms`,
        );
      }

      if (ctx.timeExport) {
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
      }
      if (ctx.loadPaths) ({ uncached: conc, cached: concCached } = await clients(kind, server, token, ctx.loadPaths, ctx));
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
          // Not cached: this process has no answer cache (it lives in `serve`), so every run computes.
          queries[c.id] = { ...(await repeat(run, repeatOptions(ctx.quick, true))), via: 'in-process' };
          log(
            `${kind}: ${c.id} (in-process) p50 ${queries[c.id].p50.toFixed(1)} ms, p95 ${queries[c.id].p95.toFixed(1)} ms (${queries[c.id].runs} runs)`,
          );
        }
      } finally {
        await s.close();
      }
    }
    if (store.duckdbFile && ctx.afterDuckdb) await ctx.afterDuckdb(store.duckdbFile);

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
      cachedQueries,
      export: exported,
      concurrency: conc,
      concurrencyCached: concCached,
      idleRss,
      notes,
    };
    return { result, answers, checkedRows, version };
  } finally {
    await store.stop();
  }
}
