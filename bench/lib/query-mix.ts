import { localToUtc } from '../../src/time/index.js';
import type { Dataset } from './dataset.js';
import type { Filter, Period, StatsRequest } from './pg-baseline-sql.js';

/** The time zone every benchmark question is asked in: DST and a fall-back inside the chosen month. */
export const BENCH_TZ = 'Pacific/Auckland';
/** The classes that must keep ≥ 10× the baseline (issue 16): a year of the largest account, and the whole store. */
export const LARGE_CLASSES = new Set(['year-daily-direction', 'zones-500', 'like-name', 'or-3', 'store-hourly-direction']);

/** The one-month window: April 2025 in BENCH_TZ (NZ daylight saving ends on 6 April). */
const MONTH = { year: 2025, month: 4 };

/** One question of the fixed mix, stated once for callstats (HTTP `q`) and once for the baseline. */
export interface QueryCase {
  id: string;
  label: string;
  /** `account`: over HTTP for one account; `store`: every account (no HTTP path exists, see README). */
  scope: 'account' | 'store';
  account?: string;
  period: Period;
  /** The `q` object sent to callstats. */
  q: { filters: unknown[]; grouping?: string; timezone: string };
  /** The same question for PostgreSQL. */
  pg: StatsRequest;
}

/** Kazoo's filter JSON for a baseline filter (identical meaning; call_time filters are built separately). */
function kazooFilter(f: Filter): unknown {
  switch (f.op) {
    case 'or':
    case 'and':
      return { [f.op]: f.of.map(kazooFilter) };
    case 'eq':
      return { name: f.field, op: '==', val: f.value };
    case 'in':
      return { name: f.field, op: 'in', val: f.values };
    case 'like':
    case 'ilike':
      return { name: f.field, op: f.op, val: f.pattern };
    case 'gte':
      return { name: f.field, op: '>=', val: f.value };
    case 'lt':
      return { name: f.field, op: '<', val: f.value };
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The month as callstats is asked (local wall-clock text, the server resolves it in the zone) and
 * as the baseline is asked (UTC instants computed here): two independent routes that must agree.
 */
function monthWindow(year = MONTH.year, month = MONTH.month): { kazoo: unknown[]; pg: Filter[] } {
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const utc = (y: number, m: number): string => new Date(localToUtc(Date.UTC(y, m - 1, 1) / 1000, BENCH_TZ) * 1000).toISOString();
  return {
    kazoo: [
      { name: 'call_time', op: '>=', val: `00:00:00 01/${pad(month)}/${year}` },
      { name: 'call_time', op: '<', val: `00:00:00 01/${pad(next.month)}/${next.year}` },
    ],
    pg: [
      { op: 'gte', field: 'call_time', value: utc(year, month) },
      { op: 'lt', field: 'call_time', value: utc(next.year, next.month) },
    ],
  };
}

/** The groupings a dashboard asks for: none, the two flags, and a zone one. */
const DASHBOARD_GROUPINGS = [undefined, 'unanswered', 'call_direction', 'callee_zone_id'] as const;

/**
 * The 32 clients' mix (issue 16): dashboard-shaped questions over every account — one month
 * (two months per account, spread over the year), hourly and daily, four groupings — so a run
 * repeats each question a few times (as dashboards do) without being only cache hits. Ordered so
 * that consecutive requests are different accounts.
 */
export function dashboardMix(ds: Dataset): { path: string; pg: StatsRequest }[] {
  const out: { path: string; pg: StatsRequest }[] = [];
  for (const monthShift of [0, 6])
    for (const period of ['hourly', 'daily'] as const)
      for (const grouping of DASHBOARD_GROUPINGS)
        ds.accounts.forEach((acc, i) => {
          const w = monthWindow(2025, ((i + monthShift) % 12) + 1);
          const q = { filters: w.kazoo, ...(grouping ? { grouping } : {}), timezone: BENCH_TZ };
          out.push({
            path: `/v2/accounts/${encodeURIComponent(acc.id)}/call_statistics/${period}?q=${encodeURIComponent(JSON.stringify(q))}`,
            pg: { period, timezone: BENCH_TZ, accountId: acc.id, filters: w.pg, ...(grouping ? { grouping } : {}) },
          });
        });
  return out;
}

/** Accounts of various sizes: the largest, one in the middle, the smallest. */
export function pickAccounts(ds: Dataset): { role: string; id: string; calls: number }[] {
  const a = ds.accounts;
  const mid = a[Math.floor(a.length / 2)];
  return [
    { role: 'largest', ...a[0] },
    { role: 'median', ...mid },
    { role: 'smallest', ...a[a.length - 1] },
  ];
}

/** The fixed query mix of issue 5. */
export function queryMix(ds: Dataset, calleeZones: number[]): QueryCase[] {
  const month = monthWindow();
  const tz = BENCH_TZ;
  const big = ds.accounts[0];
  const cases: QueryCase[] = [];
  for (const acc of pickAccounts(ds)) {
    cases.push({
      id: `month-hourly-${acc.role}`,
      label: `1 month hourly by unanswered, ${acc.role} account (${acc.calls.toLocaleString('en-US')} calls/yr)`,
      scope: 'account',
      account: acc.id,
      period: 'hourly',
      q: { filters: month.kazoo, grouping: 'unanswered', timezone: tz },
      pg: { period: 'hourly', timezone: tz, accountId: acc.id, filters: month.pg, grouping: 'unanswered' },
    });
  }
  const yearly = (id: string, label: string, filters: Filter[], grouping?: 'call_direction'): QueryCase => ({
    id,
    label,
    scope: 'account',
    account: big.id,
    period: 'daily',
    q: { filters: filters.map(kazooFilter), ...(grouping ? { grouping } : {}), timezone: tz },
    pg: { period: 'daily', timezone: tz, accountId: big.id, filters, ...(grouping ? { grouping } : {}) },
  });
  cases.push(yearly('year-daily-direction', '1 year daily by call_direction, largest account', [], 'call_direction'));
  cases.push(
    yearly('zones-500', `1 year daily, callee_zone_id in ${calleeZones.length} zones, largest account`, [
      { op: 'in', field: 'callee_zone_id', values: calleeZones },
    ]),
  );
  cases.push(
    yearly('like-name', "1 year daily, caller_id_name like '%SON%', largest account", [
      { op: 'like', field: 'caller_id_name', pattern: '%SON%' },
    ]),
  );
  cases.push(
    yearly('or-3', '1 year daily, or(unanswered, duration ≥ 600, name like A%), largest account', [
      {
        op: 'or',
        of: [
          { op: 'eq', field: 'unanswered', value: true },
          { op: 'gte', field: 'duration_seconds', value: 600 },
          { op: 'like', field: 'caller_id_name', pattern: 'A%' },
        ],
      },
    ]),
  );
  cases.push({
    id: 'store-hourly-direction',
    label: '1 year hourly by call_direction, whole store (exact median)',
    scope: 'store',
    period: 'hourly',
    q: { filters: [], grouping: 'call_direction', timezone: tz },
    pg: { period: 'hourly', timezone: tz, accountId: null, grouping: 'call_direction' },
  });
  return cases;
}

/** The per-account request path of a case (what autocannon and the timing loop send). */
export function casePath(c: QueryCase): string {
  return `/v2/accounts/${encodeURIComponent(c.account!)}/call_statistics/${c.period}?q=${encodeURIComponent(JSON.stringify(c.q))}`;
}
