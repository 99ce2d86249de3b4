/**
 * The engine's aggregation SQL, profiled and timed (docs/performance.md, "Round 4: the engine's
 * SQL"). Three questions of the bench's mix: the whole store's year hourly by call_direction (exact
 * median, `store`), the largest account's April hourly by unanswered (`account`) and its year daily
 * by call_direction (`year`). `explain` prints DuckDB's
 * EXPLAIN ANALYZE of the exact SQL `statistics()` runs; `time` alternates `statistics()` of this
 * tree with that of another checkout (`--old DIR`, e.g. a worktree of main) on the same store, so a
 * loaded machine slows both alike, and checks their answers are identical.
 *
 *   node --import tsx bench/profile-sql.ts explain STORE.duckdb META.json [store|account|year]
 *   node --import tsx bench/profile-sql.ts time STORE.duckdb META.json store|account|year RUNS [--old DIR]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../src/core/config.js';
import { parseQuery } from '../src/query/parse-query.js';
import { statistics as newStatistics } from '../src/report/statistics.js';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import type { CompiledSql, Store } from '../src/store/store.js';
import { isValidTimeZone, parseCallTime } from '../src/time/index.js';

const [mode, file, metaFile, which = 'store', runsArg = '7', ...rest] = process.argv.slice(2);
const oldDir = rest[0] === '--old' ? rest[1] : undefined;
const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { accounts: { id: string; calls: number }[] };
const largest = meta.accounts[0].id;
const tz = 'Pacific/Auckland';
const questions = {
  store: { account: undefined, period: 'hourly', q: { filters: [], grouping: 'call_direction', timezone: tz } },
  year: { account: largest, period: 'daily', q: { filters: [], grouping: 'call_direction', timezone: tz } },
  account: {
    account: largest,
    period: 'hourly',
    q: {
      filters: [
        { name: 'call_time', op: '>=', val: '00:00:00 01/04/2025' },
        { name: 'call_time', op: '<', val: '00:00:00 01/05/2025' },
      ],
      grouping: 'unanswered',
      timezone: tz,
    },
  },
} as const;
const question = questions[which as keyof typeof questions];
const parsed = parseQuery(question.q, { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, t) => parseCallTime(v, t, 'dmy') });
const config = loadConfig({});
const store = new DuckDBStore(file, { memoryLimit: '2GB', threads: 2 });
await store.init();

/** The store with every aggregation SQL it runs recorded. */
function recording(seen: CompiledSql[]): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'all' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
      return (q: CompiledSql, ...args: unknown[]) => (seen.push(q), (v as (...a: unknown[]) => unknown).apply(target, [q, ...args]));
    },
  }) as Store;
}

type StatisticsFn = typeof newStatistics;
const run = (fn: StatisticsFn, s: Store) => fn(s, question.account, question.period, parsed, config);

if (mode === 'explain') {
  const seen: CompiledSql[] = [];
  await run(newStatistics, recording(seen));
  const q = seen.find((s) => s.sql.includes('GROUP BY'))!;
  console.log(q.sql, JSON.stringify(q.params));
  const explained = await store.all({ sql: `EXPLAIN ANALYZE ${q.sql}`, params: q.params });
  for (const row of explained) console.log(String(Object.values(row).at(-1)));
} else {
  const sides: [string, StatisticsFn][] = [['new', newStatistics]];
  if (oldDir) {
    const mod = (await import(resolve(oldDir, 'src/report/statistics.ts'))) as { statistics: StatisticsFn };
    sides.unshift(['old', mod.statistics]);
  }
  // Wall time, and the process's CPU time (DuckDB's threads included): on a loaded machine the
  // wall clock is mostly waiting for a core, the CPU time is what the query itself costs.
  const times: Record<string, number[]> = Object.fromEntries(sides.map(([n]) => [n, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(sides.map(([n]) => [n, []]));
  const answers: Record<string, string> = {};
  for (const [name, fn] of sides) answers[name] = JSON.stringify(await run(fn, store)); // warm
  if (oldDir && answers.old !== answers.new) throw new Error('old and new answers differ');
  for (let i = 0; i < Number(runsArg); i++) {
    for (const [name, fn] of i % 2 ? [...sides].reverse() : sides) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await run(fn, store);
      times[name].push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[name].push((c.user + c.system) / 1000);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [name] of sides) {
    console.log(
      `${which} ${name}: wall p50 ${median(times[name]).toFixed(1)} ms, CPU p50 ${median(cpu[name]).toFixed(1)} ms, ${times[name].length} runs`,
    );
  }
  if (oldDir) {
    const ratio = (xs: Record<string, number[]>) => (median(xs.new) / median(xs.old)).toFixed(2);
    console.log(`new/old wall ${ratio(times)}, CPU ${ratio(cpu)}; answers identical (${answers.new.length} chars)`);
  }
}
await store.close();
