import { PERIODS, type Period, type ViewState } from './types.js';

/** The browser's own zone, the default of a new view. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Reads a view from the page's query string; anything missing takes its default. */
export function stateFromSearch(search: string): ViewState {
  const p = new URLSearchParams(search);
  const period = p.get('period') ?? 'daily';
  const chart = p.get('chart');
  const direction = p.get('direction') ?? '';
  const answered = p.get('answered') ?? '';
  return {
    account: p.get('account') ?? '',
    period: (PERIODS as readonly string[]).includes(period) ? (period as Period) : 'daily',
    tz: p.get('tz') || browserZone(),
    from: p.get('from') ?? '',
    to: p.get('to') ?? '',
    group: p.get('group') ?? '',
    chart: chart === 'area' ? 'area' : 'bar',
    direction: direction === 'inbound' || direction === 'outbound' ? direction : '',
    answered: answered === 'yes' || answered === 'no' ? answered : '',
    name: p.get('name') ?? '',
    countries: p.getAll('country'),
    regions: p.getAll('region'),
    filters: p.get('filters') ?? '',
    // Not checked here: the server's registry decides, and an unknown one comes back as its 400.
    metrics: p.getAll('metric'),
  };
}

/** The query string of a view: only what differs from the defaults, so shared URLs stay short. */
export function searchFromState(s: ViewState): string {
  const p = new URLSearchParams();
  if (s.account) p.set('account', s.account);
  p.set('period', s.period);
  p.set('tz', s.tz);
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  if (s.group) p.set('group', s.group);
  if (s.chart !== 'bar') p.set('chart', s.chart);
  if (s.direction) p.set('direction', s.direction);
  if (s.answered) p.set('answered', s.answered);
  if (s.name) p.set('name', s.name);
  for (const c of s.countries) p.append('country', c);
  for (const r of s.regions) p.append('region', r);
  if (s.filters.trim()) p.set('filters', s.filters);
  for (const m of s.metrics) p.append('metric', m);
  return `?${p.toString()}`;
}

/** A local date-time from a picker (`YYYY-MM-DDTHH:MM`) as the API reads it: in the request's zone. */
function localTime(value: string): string {
  return value.length === 16 ? `${value}:00` : value;
}

export class LocalInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The API's `q` for a view (SPEC 2.4). The filters are the form's, then the extra JSON entries. */
export function queryOf(s: ViewState, forRecords = false): Record<string, unknown> {
  const filters: unknown[] = [];
  if (s.from) filters.push({ name: 'call_time', op: '>=', val: localTime(s.from) });
  if (s.to) filters.push({ name: 'call_time', op: '<', val: localTime(s.to) });
  if (s.direction) filters.push({ name: 'call_direction', op: '==', val: s.direction });
  if (s.answered) filters.push({ name: 'unanswered', op: '==', val: s.answered === 'no' });
  if (s.name) filters.push({ name: 'caller_id_name', op: 'like', val: s.name });
  if (s.countries.length > 0) filters.push({ name: 'callee_country', op: 'in', val: s.countries });
  if (s.regions.length > 0) filters.push({ name: 'callee_region', op: 'in', val: s.regions });
  if (s.filters.trim()) {
    let extra: unknown;
    try {
      extra = JSON.parse(s.filters);
    } catch {
      throw new LocalInputError('filters', 'extra filters are not valid JSON');
    }
    filters.push(...(Array.isArray(extra) ? extra : [extra]));
  }
  const q: Record<string, unknown> = { filters, timezone: s.tz };
  if (!forRecords && s.group) q.grouping = s.group;
  if (!forRecords && s.metrics.length > 0) q.metrics = s.metrics;
  return q;
}

/** The API path (with `q`) of the statistics, or of the CSV, of a view. */
export function apiPath(s: ViewState, what: 'stats' | 'csv'): string {
  const q = encodeURIComponent(JSON.stringify(queryOf(s, what === 'csv')));
  const tail = what === 'csv' ? 'csv' : s.period;
  return `/v2/accounts/${encodeURIComponent(s.account)}/call_statistics/${tail}?q=${q}`;
}
