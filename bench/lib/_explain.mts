import pg from 'pg';
import { startPostgres } from './postgres.js';
import { loadCalls, statsQuery } from './pg-baseline-sql.js';
import { syntheticCdrs } from '../../src/demo/synthetic-cdrs.js';
const server = await startPostgres();
const client = new pg.Client({ connectionString: server.url });
await client.connect();
function* rows() { for (const c of syntheticCdrs({ seed: 1, accounts: 50, totalCalls: 300000, from: new Date('2025-01-01'), to: new Date('2026-01-01') })) yield { account_id: c.pvt_account_id, call_id: c.call_id, call_time: Number(c.timestamp) - 62167219200 - Number(c.duration_seconds), call_direction: c.call_direction, caller_id_name: c.caller_id_name, caller_id_number: c.caller_id_number, callee_id_number: c.callee_id_number, caller_zone_id: null, callee_zone_id: null, duration_seconds: Number(c.duration_seconds), billing_seconds: Number(c.billing_seconds), ringing_seconds: Number(c.ringing_seconds), unanswered: c.billing_seconds === '0', hangup_cause: c.hangup_cause }; }
await loadCalls(client, rows());
const big = (await client.query('SELECT account_id FROM cdrs GROUP BY 1 ORDER BY count(*) DESC LIMIT 1')).rows[0].account_id;
for (const req of [{ period: 'monthly', timezone: 'UTC', accountId: null, grouping: 'call_direction' }, { period: 'daily', timezone: 'UTC', accountId: big }] as const) {
  const q = statsQuery(req as any);
  const r = await client.query('EXPLAIN (ANALYZE, COSTS OFF) ' + q.text, q.values);
  console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'));
}
await client.end(); await server.stop();
