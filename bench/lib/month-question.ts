import { readFileSync } from 'node:fs';

/**
 * The per-account question of the small-query studies (request-phases.ts, prepared-rebind.ts): April
 * 2025, hourly by `unanswered`, in Pacific/Auckland (daylight saving ends inside it).
 */
export const APRIL_BY_UNANSWERED = {
  filters: [
    { name: 'call_time', op: '>=', val: '00:00:00 01/04/2025' },
    { name: 'call_time', op: '<', val: '00:00:00 01/05/2025' },
  ],
  grouping: 'unanswered',
  timezone: 'Pacific/Auckland',
};

/** The smallest, median or largest account of a data set's meta file (bench/lib/dataset.ts). */
export function accountOf(metaFile: string, which: string): string {
  const accounts = (JSON.parse(readFileSync(metaFile, 'utf8')) as { accounts: { id: string; calls: number }[] }).accounts
    .slice()
    .sort((a, b) => b.calls - a.calls);
  if (which === 'largest') return accounts[0].id;
  if (which === 'median') return accounts[accounts.length >> 1].id;
  if (which === 'smallest') return accounts[accounts.length - 1].id;
  throw new Error(`which account: smallest, median or largest, not '${which}'`);
}
