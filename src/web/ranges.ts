/** Quick ranges as local date-times in a zone: calendar arithmetic only, the API does the zone math. */
export const QUICK_RANGES = ['today', 'yesterday', 'last7', 'thismonth', 'lastmonth', 'all'] as const;
export type QuickRange = (typeof QUICK_RANGES)[number];

export const QUICK_LABELS: Record<QuickRange, string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  last7: 'Last 7 days',
  thismonth: 'This month',
  lastmonth: 'Last month',
  all: 'All time',
};

/** Today's calendar date in `tz`, as [year, month, day]. */
function todayIn(tz: string, now: Date): [number, number, number] {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return [get('year'), get('month'), get('day')];
}

/** A calendar date `days` after y-m-d (Date.UTC only as a calendar: no instant is meant). */
function shift(y: number, m: number, d: number, days: number): string {
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T00:00`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `[from, to)` local date-times of a quick range in `tz`; empty strings for all time. */
export function quickRange(range: QuickRange, tz: string, now = new Date()): { from: string; to: string } {
  const [y, m, d] = todayIn(tz, now);
  switch (range) {
    case 'today':
      return { from: shift(y, m, d, 0), to: shift(y, m, d, 1) };
    case 'yesterday':
      return { from: shift(y, m, d, -1), to: shift(y, m, d, 0) };
    case 'last7':
      return { from: shift(y, m, d, -6), to: shift(y, m, d, 1) };
    case 'thismonth':
      return { from: shift(y, m, 1, 0), to: shift(y, m + 1, 1, 0) };
    case 'lastmonth':
      return { from: shift(y, m - 1, 1, 0), to: shift(y, m, 1, 0) };
    case 'all':
      return { from: '', to: '' };
  }
}
