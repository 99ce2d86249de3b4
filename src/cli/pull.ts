import { badRequest } from '../core/errors.js';
import { pullCdrs, type PullSummary } from '../feeds/crossbar-pull.js';
import type { Store } from '../store/store.js';
import { makeOutput, n } from './output.js';

export const DEFAULT_PULL_DAYS = 30;

export interface PullCliOptions {
  store: Pick<Store, 'insertCalls' | 'listAccountParents' | 'addAccountParent'>;
  zones: { zoneOf: (number: string | null) => number | null };
  kazoo: string;
  token: string;
  account: string;
  descendants?: boolean;
  /** `--from` / `--to`: a date (`2026-11-01`, UTC midnight) or an ISO 8601 time; default the last 30 days. */
  from?: string;
  to?: string;
  /** `--state FILE`; the CLI defaults it to `<DuckDB file>.pull-state.json` beside the store. */
  stateFile: string;
  windowSeconds?: number;
  pageSize?: number;
  json: boolean;
  now?: () => number;
}

/** `callstats pull`: backfills crossbar CDRs; exit 0, or 1 when some records were rejected. */
export async function runPull(opts: PullCliOptions): Promise<{ code: number; summary: PullSummary }> {
  const out = makeOutput(opts.json);
  const now = Math.floor((opts.now ?? Date.now)() / 1000);
  const to = opts.to !== undefined ? parseWhen(opts.to, '--to') : now;
  const from = opts.from !== undefined ? parseWhen(opts.from, '--from') : to - DEFAULT_PULL_DAYS * 86_400;
  if (from >= to) throw badRequest('ERR_PULL_RANGE', `--from must be before --to`, { from: opts.from, to: opts.to });
  const started = Date.now();
  const summary = await pullCdrs({
    store: opts.store,
    zoneOf: opts.zones.zoneOf,
    kazooUrl: opts.kazoo,
    token: opts.token,
    account: opts.account,
    descendants: opts.descendants,
    from,
    to,
    stateFile: opts.stateFile,
    windowSeconds: opts.windowSeconds,
    pageSize: opts.pageSize,
    log: (line) => {
      out.done();
      process.stderr.write(line + '\n');
    },
    onProgress: (p) => {
      const rate = Math.round(p.records / Math.max(0.001, (Date.now() - started) / 1000));
      out.progress(
        `account ${p.accountIndex + 1}/${p.accounts} ${p.account}: ${new Date(p.windowFrom * 1000).toISOString().slice(0, 10)}, ` +
          `${n(p.pages)} pages, ${n(p.records)} CDRs, ${n(p.accepted)} new, ${n(p.duplicates)} already stored (${n(rate)}/s)`,
      );
    },
  });
  out.done();
  const lines = [
    ...summary.accounts.map(
      (a) =>
        `${a.account}: ${n(a.records)} CDRs in ${n(a.pages)} pages, ${n(a.accepted)} new, ${n(a.duplicates)} already stored, ` +
        `${n(a.rejected)} rejected${a.windowsSkipped ? ` (${n(a.windowsSkipped)} windows already done)` : ''}`,
    ),
    `total: ${n(summary.accepted)} new, ${n(summary.duplicates)} already stored, ${n(summary.rejected)} rejected in ${summary.seconds.toFixed(1)} s`,
    `state: ${opts.stateFile}`,
  ];
  out.result({ ...summary, from, to, state: opts.stateFile }, lines.join('\n'));
  return { code: summary.rejected > 0 ? 1 : 0, summary };
}

/** `2026-11-01` → that UTC midnight; an ISO 8601 time → its instant; Unix seconds. */
function parseWhen(value: string, flag: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) value += 'T00:00:00Z';
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw badRequest('ERR_PULL_RANGE', `${flag}: not a date or ISO 8601 time: '${value}'`, { [flag]: value });
  return Math.floor(ms / 1000);
}
