/**
 * Self-check of the PostgreSQL baseline: start a throw-away PostgreSQL 15, load N synthetic calls,
 * time each textbook query (median of 5 runs), print a table, stop the server.
 *
 *   node --import tsx bench/postgres-baseline.ts --calls 100000
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { GREGORIAN_UNIX_OFFSET } from '../src/core/call.js';
import { type KazooCdr, syntheticCdrs } from '../src/demo/synthetic-cdrs.js';
import { type CallRow, type Filter, type StatsRequest, canonicalStats, exportQuery, loadCalls, statsQuery } from './lib/pg-baseline-sql.js';
import { startPostgres } from './lib/postgres.js';

const { values: args } = parseArgs({
  options: { calls: { type: 'string', default: '100000' }, accounts: { type: 'string', default: '50' } },
});
const calls = Number(args.calls);
const accounts = Number(args.accounts);
const to = new Date(Date.UTC(2026, 0, 1));
const from = new Date(Date.UTC(2025, 0, 1));

/** A bench-local CDR → row mapping (the real one lives in src/ingest); zone = first 4 E.164 digits. */
function toRow(cdr: KazooCdr): CallRow {
  const duration = Number(cdr.duration_seconds);
  const billing = Number(cdr.billing_seconds);
  const zone = (n: string): number | null => (n.startsWith('+') ? Number(n.slice(1, 5)) : null);
  return {
    account_id: cdr.custom_channel_vars.account_id,
    call_id: cdr.call_id,
    call_time: Number(cdr.timestamp) - GREGORIAN_UNIX_OFFSET - duration,
    call_direction: cdr.call_direction,
    caller_id_name: cdr.caller_id_name,
    caller_id_number: cdr.caller_id_number,
    callee_id_number: cdr.callee_id_number,
    caller_zone_id: zone(cdr.caller_id_number),
    callee_zone_id: zone(cdr.callee_id_number),
    duration_seconds: duration,
    billing_seconds: billing,
    ringing_seconds: Number(cdr.ringing_seconds),
    unanswered: billing === 0,
    hangup_cause: cdr.hangup_cause,
    interaction_id: null,
    other_leg_call_id: null,
    bridge_id: null,
    resource_type: null,
    authorizing_type: null,
    authorizing_id: null,
    owner_id: null,
    hangup_code: null,
    disposition: null,
    media_server: null,
    reseller_id: null,
  };
}

function* rows(): Generator<CallRow> {
  for (const cdr of syntheticCdrs({ seed: 1, accounts, totalCalls: calls, from, to })) yield toRow(cdr);
}

async function median5(run: () => Promise<number>): Promise<{ ms: number; rows: number }> {
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    n = await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[2], rows: n };
}

const server = await startPostgres();
const client = new pg.Client({ connectionString: server.url });
try {
  await client.connect();
  const version = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  console.log(`PostgreSQL ${version}, ${calls} calls in ${accounts} accounts`);
  const t0 = performance.now();
  const load = await loadCalls(client, rows());
  const totalMs = performance.now() - t0;
  const size = (await client.query<{ s: string }>("SELECT pg_size_pretty(pg_total_relation_size('cdrs')) AS s")).rows[0].s;
  console.log(
    `load ${load.rows} rows: copy ${(load.copyMs / 1000).toFixed(1)} s (incl. generation), indexes ${(load.indexMs / 1000).toFixed(1)} s, ` +
      `vacuum analyze ${(load.vacuumMs / 1000).toFixed(1)} s; ${Math.round(load.rows / (totalMs / 1000))} rows/s overall; ${size}`,
  );

  // The biggest account (Zipf rank 1) and a small one.
  const ids = (
    await client.query<{ account_id: string; n: string }>('SELECT account_id, count(*) AS n FROM cdrs GROUP BY 1 ORDER BY 2 DESC')
  ).rows;
  const big = ids[0].account_id;
  const small = ids[ids.length - 1].account_id;
  const zones = (
    await client.query<{ z: number }>('SELECT DISTINCT callee_zone_id AS z FROM cdrs WHERE callee_zone_id IS NOT NULL ORDER BY 1 LIMIT 8')
  ).rows.map((r) => r.z);
  const zoneIn: Filter = { op: 'in', field: 'callee_zone_id', values: zones };
  const nameLike: Filter = { op: 'ilike', field: 'caller_id_name', pattern: '%smith%' };
  const threeOr: Filter = {
    op: 'or',
    of: [
      { op: 'eq', field: 'unanswered', value: true },
      { op: 'gte', field: 'duration_seconds', value: 600 },
      { op: 'ilike', field: 'caller_id_name', pattern: 'a%' },
    ],
  };
  const tz = 'Pacific/Auckland';
  const cases: [string, StatsRequest][] = [
    ['hourly, big account', { period: 'hourly', timezone: tz, accountId: big }],
    ['daily, big account, by direction', { period: 'daily', timezone: tz, accountId: big, grouping: 'call_direction' }],
    ['weekly, big account, by unanswered', { period: 'weekly', timezone: tz, accountId: big, grouping: 'unanswered' }],
    ['monthly, big account, by hangup_cause', { period: 'monthly', timezone: tz, accountId: big, grouping: 'hangup_cause' }],
    ['daily, small account', { period: 'daily', timezone: tz, accountId: small }],
    ['daily, big account, zone IN (8)', { period: 'daily', timezone: tz, accountId: big, filters: [zoneIn] }],
    ['daily, big account, name ILIKE', { period: 'daily', timezone: tz, accountId: big, filters: [nameLike] }],
    ['daily, big account, OR of 3', { period: 'daily', timezone: tz, accountId: big, filters: [threeOr] }],
    ['hourly, whole store', { period: 'hourly', timezone: tz, accountId: null }],
    [
      'monthly, whole store, by direction',
      { period: 'monthly', timezone: 'America/New_York', accountId: null, grouping: 'call_direction' },
    ],
  ];
  const table: { query: string; 'median ms': string; rows: number }[] = [];
  for (const [name, req] of cases) {
    const q = statsQuery(req);
    const r = await median5(async () => canonicalStats((await client.query(q.text, q.values)).rows).length);
    table.push({ query: name, 'median ms': r.ms.toFixed(1), rows: r.rows });
  }
  // The export streams through a cursor, as a server streaming CSV would; 10k rows per FETCH.
  const exp = exportQuery(big);
  const r = await median5(async () => {
    await client.query('BEGIN');
    await client.query(`DECLARE export NO SCROLL CURSOR FOR ${exp.text}`, exp.values);
    let n = 0;
    for (let got = -1; got !== 0; n += got) got = (await client.query('FETCH 10000 FROM export')).rowCount ?? 0;
    await client.query('COMMIT');
    return n;
  });
  table.push({ query: 'export, big account, ordered', 'median ms': r.ms.toFixed(1), rows: r.rows });
  console.table(table);

  // Self-check of the normalisation against a few lines of TypeScript: daily UTC totals per direction.
  const q = statsQuery({ period: 'daily', timezone: 'UTC', accountId: small, grouping: 'call_direction' });
  const got = canonicalStats((await client.query(q.text, q.values)).rows);
  const groups = new Map<string, number[]>();
  for (const row of rows()) {
    if (row.account_id !== small) continue;
    const day = new Date(row.call_time * 1000).toISOString().slice(0, 10) + ' 00:00:00';
    for (const key of [`${day}|`, `${day}|${row.call_direction}`]) groups.set(key, [...(groups.get(key) ?? []), row.duration_seconds]);
  }
  const want = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, d]) => {
      const [bucket, group] = key.split('|');
      const s = d.sort((a, b) => a - b);
      const m = s.length >> 1;
      return {
        bucketLocalStart: bucket,
        group: group === '' ? null : group,
        total: s.length,
        min: s[0],
        max: s[s.length - 1],
        mean: s.reduce((a, b) => a + b, 0) / s.length,
        median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2,
      };
    });
  const same = JSON.stringify(got) === JSON.stringify(want);
  console.log(
    `self-check (daily UTC by direction, small account, ${want.length} rows): ${same ? 'identical to the TypeScript reference' : 'MISMATCH'}`,
  );
  if (!same) process.exitCode = 1;
} finally {
  await client.end();
  await server.stop();
}
