import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { CanonicalStat } from './pg-baseline-sql.js';
import { canonicalStats, statsQuery, type StatsRequest } from './pg-baseline-sql.js';
import { startPostgres } from './postgres.js';
import { pgLoad } from './concurrency.js';
import type { Dataset } from './dataset.js';
import { runMeasured } from './proc.js';
import { fmtInt, log } from './progress.js';
import type { QueryCase } from './query-mix.js';
import type { StoreResult } from './results.js';
import { sortCanonical } from './canonical.js';
import { repeat, repeatOptions } from './timing.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'pg-child.ts');

export interface RunContext {
  quick: boolean;
  connections: number;
  concurrencySeconds: number;
  exportAccount: string;
  /** The 32 clients' dashboard-shaped questions (the same mix callstats runs). */
  loadQuestions: StatsRequest[];
}

async function child(
  mode: 'load' | 'export',
  url: string,
  arg: string,
): Promise<{ out: Record<string, number>; peakRss: number; wallSeconds: number }> {
  let last = 0;
  const r = await runMeasured(process.execPath, ['--import', 'tsx', CHILD, mode, url, arg], {
    onStderr: (line) => {
      if (Date.now() - last > 5000) {
        last = Date.now();
        log(`postgres ${mode}: ${line}`);
      }
    },
  });
  if (r.code !== 0) throw new Error(`postgres ${mode} child exited with ${r.code}: ${r.stderr.slice(-2000)}`);
  return { out: JSON.parse(r.stdout) as Record<string, number>, peakRss: r.peakRss, wallSeconds: r.seconds };
}

/**
 * The baseline at one size: a fresh PostgreSQL 15, the same NDJSON loaded through callstats' own
 * CDR conversion, then the same questions in textbook SQL. Returns the figures and every case's
 * canonical answer, the reference the callstats stores are checked against.
 */
export async function runPostgres(
  ds: Dataset,
  cases: QueryCase[],
  ctx: RunContext,
): Promise<{ result: StoreResult; answers: Map<string, CanonicalStat[]>; version: string }> {
  log('postgres: starting a throw-away PostgreSQL 15');
  const server = await startPostgres();
  const pool = new pg.Pool({ connectionString: server.url, max: ctx.connections });
  // :TRICKY: an idle pooled client that the server drops emits 'error' on the pool, and a pool with
  // no listener throws it out of the process (seen once in CI as exit 1 with a dumped client). A
  // failing query still rejects its own promise, so nothing is hidden by logging these.
  pool.on('error', (err) => log(`postgres: an idle connection failed: ${err.message}`));
  try {
    const version = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
    log(`postgres: loading ${fmtInt(ds.size)} CDRs (COPY, then primary key and (account_id, call_time) index, VACUUM ANALYZE)`);
    const load = await child('load', server.url, ds.file);
    const o = load.out;
    log(
      `postgres: loaded ${fmtInt(o.rows)} rows in ${o.seconds.toFixed(1)} s (copy ${o.copySeconds.toFixed(1)}, index ${o.indexSeconds.toFixed(1)}, vacuum ${o.vacuumSeconds.toFixed(1)})`,
    );

    const answers = new Map<string, CanonicalStat[]>();
    const queries: StoreResult['queries'] = {};
    for (const c of cases) {
      const sql = statsQuery(c.pg);
      answers.set(c.id, sortCanonical(canonicalStats((await pool.query(sql.text, sql.values)).rows)));
      queries[c.id] = {
        ...(await repeat(() => pool.query(sql.text, sql.values), repeatOptions(ctx.quick, c.scope === 'store'))),
        via: 'sql',
      };
      log(`postgres: ${c.id} p50 ${queries[c.id].p50.toFixed(1)} ms, p95 ${queries[c.id].p95.toFixed(1)} ms (${queries[c.id].runs} runs)`);
    }

    log(`postgres: CSV export of account ${ctx.exportAccount}`);
    const exp = await child('export', server.url, ctx.exportAccount);
    log(`postgres: exported ${fmtInt(exp.out.rows)} rows in ${exp.out.seconds.toFixed(2)} s`);

    log(
      `postgres: ${ctx.connections} clients for ${ctx.concurrencySeconds} s over ${fmtInt(ctx.loadQuestions.length)} dashboard questions`,
    );
    const conc = await pgLoad(pool, ctx.loadQuestions.map(statsQuery), ctx.connections, ctx.concurrencySeconds);
    log(`postgres: ${conc.rps.toFixed(1)} queries/s, p99 ${conc.p99.toFixed(0)} ms, ${conc.errors} errors`);

    const result: StoreResult = {
      store: 'postgres',
      ingest: {
        rows: o.rows,
        seconds: load.wallSeconds,
        perSecond: o.rows / load.wallSeconds,
        peakRss: load.peakRss,
        detail: `rate over ${load.wallSeconds.toFixed(1)} s wall time of the loader process (start-up, zone table, callstats' CDR conversion, COPY ${o.copySeconds.toFixed(1)} s, indexes ${o.indexSeconds.toFixed(1)} s, VACUUM ANALYZE ${o.vacuumSeconds.toFixed(1)} s); RSS is the loader process`,
      },
      queries,
      export: {
        account: ctx.exportAccount,
        rows: exp.out.rows,
        seconds: exp.out.seconds,
        perSecond: exp.out.rows / exp.out.seconds,
        peakRss: exp.peakRss,
        rssBefore: NaN,
        detail: 'cursor, FETCH 10000, CSV formatted in the client; RSS is the client process',
      },
      concurrency: conc,
      notes: [],
    };
    return { result, answers, version };
  } finally {
    await pool.end();
    await server.stop();
  }
}
