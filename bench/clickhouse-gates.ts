/**
 * What each ClickHouse version gate buys (docs/clickhouse.md, "Version gates"): the same statistics
 * on the in-process 26.x engine (chdb:) with the 18.16 forms, with quantilesExactInclusive only, and
 * with GROUPING SETS too, checked equal, timed (median of --runs, the forms taking turns). The store's `engineVersion` picks
 * the dialect, so setting it selects the forms.
 *
 *   node --import tsx bench/clickhouse-gates.ts [--calls 500000] [--runs 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/core/config.js';
import type { Call } from '../src/core/call.js';
import { syntheticCdrs } from '../src/demo/synthetic-cdrs.js';
import { cdrToCall } from '../src/ingest/index.js';
import { parseApiQuery } from '../src/report/request.js';
import { statistics } from '../src/report/statistics.js';
import { ClickHouseStore } from '../src/store/clickhouse/clickhouse-store.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '500000' }, runs: { type: 'string', default: '5' } } });
const CALLS = Number(values.calls);
const RUNS = Number(values.runs);
const CONFIG = loadConfig({ CALLSTATS_STORE: 'duckdb:unused' });
const FORMS = [
  { name: '18.16 forms (UNION ALL, sorted arrays)', version: '18.16.1' },
  { name: '+ quantilesExactInclusive', version: '21.1' },
  { name: '+ GROUPING SETS', version: undefined as string | undefined },
];
const QUERIES = [
  {
    label: 'whole store, monthly, by direction, percentiles',
    account: undefined,
    period: 'monthly',
    q: { grouping: 'call_direction', metrics: ['percentiles', 'billing_seconds'] },
  },
  { label: 'whole store, daily, ungrouped', account: undefined, period: 'daily', q: {} },
  {
    label: 'one account, daily, by hangup_cause',
    account: 'first',
    period: 'daily',
    q: { grouping: 'hangup_cause', metrics: ['answered'] },
  },
] as const;

const dir = mkdtempSync(join(tmpdir(), 'callstats-gates-'));
const store = new ClickHouseStore(`chdb:${dir}`);
try {
  await store.init();
  const native = store.engineVersion;
  const calls: Call[] = [];
  let loaded = 0;
  for (const cdr of syntheticCdrs({
    seed: 7,
    accounts: 20,
    totalCalls: CALLS,
    from: new Date(Date.UTC(2025, 0, 1)),
    to: new Date(Date.UTC(2026, 0, 1)),
  })) {
    const r = cdrToCall(cdr, { zoneOf: () => null });
    if (r.ok) calls.push(r.call);
    if (calls.length === 100_000) loaded += (await store.insertCalls(calls.splice(0))).inserted;
  }
  loaded += (await store.insertCalls(calls)).inserted;
  const [{ account }] = (await store.all({
    sql: 'SELECT account_id AS account FROM calls GROUP BY account_id ORDER BY count() DESC LIMIT 1',
    params: [],
  })) as { account: string }[];
  console.log(`chdb ${native}, ${loaded} calls, median of ${RUNS} runs (in-process engine, this machine under load)`);
  for (const query of QUERIES) {
    // The forms take turns within each run, so a change of the machine's load hits all three alike.
    const times = FORMS.map(() => [] as number[]);
    const answers = FORMS.map(() => '');
    for (let i = 0; i < RUNS; i++) {
      for (const [f, form] of FORMS.entries()) {
        store.engineVersion = form.version ?? native;
        const t0 = performance.now();
        answers[f] = JSON.stringify(
          await statistics(store, query.account && account, query.period, parseApiQuery(query.q, CONFIG), CONFIG),
        );
        times[f].push(performance.now() - t0);
      }
    }
    const row = FORMS.map((form, f) => `${form.name}: ${times[f].sort((a, b) => a - b)[Math.floor(RUNS / 2)].toFixed(0)} ms`);
    const same = answers.every((a) => a === answers[0]);
    console.log(`${query.label}: ${row.join(' | ')}${same ? ' (answers equal)' : ' — ANSWERS DIFFER'}`);
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
