/**
 * The "2M-row export memory" leg (issue 16): one account with 2,000,000 calls (the 1M data set's
 * CDRs, each twice under two call ids, all moved to one account), exported as CSV over HTTP from
 * `callstats serve` (server peak RSS, VmHWM reset just before; rows/s counted by the client), beside
 * the PostgreSQL baseline's cursor export of the same rows (client peak RSS; bench/lib/pg-child.ts).
 *
 *   node --import tsx bench/export-memory.ts CDRS.ndjson WORKDIR [duckdb,postgres]
 *
 * Human output goes to stderr; the last stdout line is `RESULT {json}` for the harness
 * (bench/run.ts): the DuckDB figures (rowsPerSecond, rssBeforeMiB, peakMiB, secondPeakMiB, rows,
 * loadavg) and, when run, the PostgreSQL ones under `postgres`.
 */
import { loadavg } from 'node:os';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cliCreateKey, cliImport, cliServe, prepareCli } from './lib/callstats-cli.js';
import { drainCsv } from './lib/http.js';
import { startPostgres } from './lib/postgres.js';
import { memoryOf, resetPeak, runMeasured, watchMemory } from './lib/proc.js';
import { log } from './lib/progress.js';

const [source, work, which = 'duckdb,postgres'] = process.argv.slice(2);
const ACCOUNT = 'e0000000000000000000000000000002';
const MiB = 1024 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(work, { recursive: true });
const file = join(work, 'export-2m.ndjson');

if (!existsSync(file)) {
  log(`export-memory: writing ${file}`);
  const out = createWriteStream(`${file}.tmp`);
  for await (const line of createInterface({ input: createReadStream(source) })) {
    const cdr = JSON.parse(line) as Record<string, unknown> & { custom_channel_vars: Record<string, unknown> };
    cdr.custom_channel_vars = { ...cdr.custom_channel_vars, account_id: ACCOUNT };
    const id = String(cdr.call_id);
    for (const suffix of ['-a', '-b']) {
      cdr.call_id = id + suffix;
      if (!out.write(`${JSON.stringify(cdr)}\n`)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  renameSync(`${file}.tmp`, file);
}

const lines: string[] = [];
/** One export's figures: the DuckDB runs, in order. */
const runs: { rows: number; seconds: number; rssBeforeMiB: number; peakMiB: number }[] = [];
const pgRuns: { rows: number; seconds: number; clientPeakMiB: number }[] = [];
const mib = (bytes: number) => Math.round(bytes / MiB);
if (which.includes('duckdb')) {
  const cli = prepareCli(root, join(root, 'bench/out', `dist-${process.pid}`), 'build');
  const location = `duckdb:${join(work, 'export-2m.duckdb')}`;
  // A store left by an earlier run is reused (its calls are sorted already, so serve starts with no
  // maintenance to do and the export is measured on its own); delete it to measure from an import.
  if (!existsSync(join(work, 'export-2m.duckdb'))) {
    const imp = await cliImport(cli, location, file, 'export-memory import');
    log(`export-memory: imported ${imp.accepted} calls`);
  }
  const server = await cliServe(cli, location, 'export-memory');
  try {
    const token = server.firstKey ?? (await cliCreateKey(cli, location));
    // Let serve's maintenance sort the import first (the export is asked of a settled store).
    while (
      memoryOf(server.pid) &&
      (await fetch(`${server.url}/v2/accounts/${ACCOUNT}/call_statistics/monthly`, { headers: { 'X-Auth-Token': token } })).status !== 200
    );
    await new Promise((r) => setTimeout(r, 15_000));
    const path = `/v2/accounts/${ACCOUNT}/call_statistics/csv?q=${encodeURIComponent(JSON.stringify({ timezone: 'Pacific/Auckland' }))}`;
    for (let run = 1; run <= 2; run++) {
      const before = memoryOf(server.pid)?.rss ?? NaN;
      const reset = resetPeak(server.pid);
      const watch = watchMemory(server.pid);
      const csv = await drainCsv(server.url, path, token);
      const mem = watch.stop();
      const peak = reset ? mem.peak : mem.maxSampled;
      runs.push({ rows: csv.rows, seconds: csv.seconds, rssBeforeMiB: mib(before), peakMiB: mib(peak) });
      lines.push(
        `callstats (DuckDB) run ${run}: ${csv.rows} rows in ${csv.seconds.toFixed(1)} s = ${Math.round(csv.rows / csv.seconds)} rows/s; server RSS ${(before / MiB).toFixed(0)} MiB before, peak ${(peak / MiB).toFixed(0)} MiB`,
      );
      log(lines[lines.length - 1]);
    }
  } finally {
    await server.stop();
  }
}
if (which.includes('postgres')) {
  const pgServer = await startPostgres();
  try {
    const child = join(root, 'bench/lib/pg-child.ts');
    const load = await runMeasured(process.execPath, ['--import', 'tsx', child, 'load', pgServer.url, file], {});
    if (load.code !== 0) throw new Error(load.stderr.slice(-2000));
    for (let run = 1; run <= 2; run++) {
      const exp = await runMeasured(process.execPath, ['--import', 'tsx', child, 'export', pgServer.url, ACCOUNT], {});
      if (exp.code !== 0) throw new Error(exp.stderr.slice(-2000));
      const o = JSON.parse(exp.stdout) as { rows: number; seconds: number };
      pgRuns.push({ rows: o.rows, seconds: o.seconds, clientPeakMiB: mib(exp.peakRss) });
      lines.push(
        `PostgreSQL 15 run ${run}: ${o.rows} rows in ${o.seconds.toFixed(1)} s = ${Math.round(o.rows / o.seconds)} rows/s; client peak RSS ${(exp.peakRss / MiB).toFixed(0)} MiB (cursor, FETCH 10000)`,
      );
      log(lines[lines.length - 1]);
    }
  } finally {
    await pgServer.stop();
  }
}
const [first, second] = runs;
const result = {
  ...(first
    ? {
        rows: first.rows,
        rowsPerSecond: Math.round(first.rows / first.seconds),
        secondRowsPerSecond: second ? Math.round(second.rows / second.seconds) : null,
        rssBeforeMiB: first.rssBeforeMiB,
        peakMiB: first.peakMiB,
        secondRssBeforeMiB: second?.rssBeforeMiB ?? null,
        secondPeakMiB: second?.peakMiB ?? null,
      }
    : {}),
  ...(pgRuns.length ? { postgres: pgRuns.map((r) => ({ ...r, rowsPerSecond: Math.round(r.rows / r.seconds) })) } : {}),
  loadavg: loadavg().map((l) => Number(l.toFixed(2))),
};
console.log(`RESULT ${JSON.stringify(result)}`);
