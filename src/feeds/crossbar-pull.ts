import { GREGORIAN_UNIX_OFFSET } from '../core/call.js';
import { ingestRecords } from '../ingest/ingest-records.js';
import type { RawRecord } from '../ingest/types.js';
import { linkTree } from '../accounts/parents.js';
import type { Store } from '../store/store.js';
import { CrossbarClient } from './crossbar-client.js';
import { isDone, markDone, readPullState, writePullState, type AccountCursor } from './pull-state.js';

/** Crossbar's default `maximum_range` (31 days and an hour, crossbar.hrl ?MAX_RANGE): longer ranges are a 400. */
export const KAZOO_MAX_RANGE_SECONDS = 31 * 86_400 + 3_600;
export const DEFAULT_WINDOW_SECONDS = 86_400;
export const DEFAULT_PAGE_SIZE = 500;

export interface PullOptions {
  /** The account-parent methods record the `--descendants` tree (docs/accounts.md, "Linking accounts"). */
  store: Pick<Store, 'insertCalls' | 'listAccountParents' | 'addAccountParent'>;
  zoneOf: (number: string | null) => number | null;
  kazooUrl: string;
  token: string;
  account: string;
  /** Also pull every descendant account (`GET /v2/accounts/{ID}/descendants`), each under its own id. */
  descendants?: boolean;
  /** Unix seconds, [from, to). */
  from: number;
  to: number;
  /** The state file holding the cursors (resume point) per account. */
  stateFile: string;
  /** `created_from`/`created_to` window per request (default 1 day, at most Kazoo's 31 days + 1 h). */
  windowSeconds?: number;
  pageSize?: number;
  onProgress?: (p: PullProgress) => void;
  log?: (line: string) => void;
  /** Retry tuning of the HTTP client (tests). */
  retryMs?: number;
}

export interface AccountSummary {
  account: string;
  windows: number;
  windowsSkipped: number;
  pages: number;
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface PullProgress extends AccountSummary {
  accountIndex: number;
  accounts: number;
  windowFrom: number;
}

export interface PullSummary {
  accounts: AccountSummary[];
  accepted: number;
  duplicates: number;
  rejected: number;
  pages: number;
  seconds: number;
}

/**
 * Backfills CDRs from crossbar's `GET /v2/accounts/{ID}/cdrs`, window by window (`created_from`,
 * `created_to`, gregorian seconds, inclusive, so a window [a, b) asks for a … b−1), page by page
 * (`page_size`, `start_key` ← `next_start_key`). After each stored page the cursor is written to the
 * state file, so a killed run resumes at the page it was on; a page stored twice only adds
 * duplicates, never counts. Windows are aligned to multiples of the window size (UTC days by
 * default), so later runs with another `--to` reuse the done ones.
 */
export async function pullCdrs(opts: PullOptions): Promise<PullSummary> {
  const started = Date.now();
  const windowSeconds = Math.min(opts.windowSeconds ?? DEFAULT_WINDOW_SECONDS, KAZOO_MAX_RANGE_SECONDS);
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  const client = new CrossbarClient({ baseUrl: opts.kazooUrl, token: opts.token, log: opts.log, retryMs: opts.retryMs });
  const state = readPullState(opts.stateFile);
  const kazooKey = opts.kazooUrl.replace(/\/+$/, '');
  const cursors = (state.kazoo[kazooKey] ??= {});

  const accounts = [opts.account];
  if (opts.descendants) {
    const tree = await descendantsOf(client, opts.account, pageSize);
    accounts.push(...tree.map(([id]) => id));
    // Before any CDR: a conflicting parent fails the pull with nothing stored.
    await linkTree(opts.store, opts.account, tree);
  }

  const summaries: AccountSummary[] = [];
  for (let ai = 0; ai < accounts.length; ai++) {
    const account = accounts[ai];
    const cursor: AccountCursor = (cursors[account] ??= { done: [] });
    const s: AccountSummary = { account, windows: 0, windowsSkipped: 0, pages: 0, records: 0, accepted: 0, duplicates: 0, rejected: 0 };
    summaries.push(s);
    for (let w = Math.floor(opts.from / windowSeconds) * windowSeconds; w < opts.to; w += windowSeconds) {
      const from = Math.max(w, opts.from);
      const to = Math.min(w + windowSeconds, opts.to);
      if (isDone(cursor, from, to)) {
        s.windowsSkipped++;
        continue;
      }
      s.windows++;
      let startKey = cursor.current && cursor.current.from === from && cursor.current.to === to ? cursor.current.startKey : undefined;
      for (;;) {
        const page = await client.page(account, 'cdrs', {
          created_from: from + GREGORIAN_UNIX_OFFSET,
          created_to: to - 1 + GREGORIAN_UNIX_OFFSET,
          page_size: pageSize,
          start_key: startKey,
        });
        const result = await ingestRecords(toRecords(page.data, s.records), {
          store: opts.store,
          accountId: account,
          zoneOf: opts.zoneOf,
          batchSize: Math.max(pageSize, 1),
        });
        s.pages++;
        s.records += page.data.length;
        s.accepted += result.accepted;
        s.duplicates += result.duplicates;
        s.rejected += result.rejectedCount;
        for (const r of result.rejected.slice(0, 5)) opts.log?.(`pull: ${account}: record rejected: ${r.reason}`);
        // The page is durable; only now may the cursor move past it.
        if (page.nextStartKey === undefined) markDone(cursor, from, to);
        else cursor.current = { from, to, startKey: page.nextStartKey };
        writePullState(opts.stateFile, state);
        opts.onProgress?.({ ...s, accountIndex: ai, accounts: accounts.length, windowFrom: from });
        if (page.nextStartKey === undefined) break;
        startKey = page.nextStartKey;
      }
    }
  }
  const total = (k: 'accepted' | 'duplicates' | 'rejected' | 'pages'): number => summaries.reduce((a, s) => a + s[k], 0);
  return {
    accounts: summaries,
    accepted: total('accepted'),
    duplicates: total('duplicates'),
    rejected: total('rejected'),
    pages: total('pages'),
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Every account below `account` (crossbar `descendants`, paged) with its parent: the last id of the
 * row's `tree`, its ancestors from the top down (crossbar doc accounts.md and cb_accounts.erl, 4.3).
 * A row without a tree, or whose tree ends outside the listing, is taken for a child of `account`.
 */
async function descendantsOf(client: CrossbarClient, account: string, pageSize: number): Promise<[string, string][]> {
  const rows: [string, unknown][] = [];
  let startKey: string | undefined;
  do {
    const page = await client.page(account, 'descendants', { page_size: pageSize, start_key: startKey });
    for (const row of page.data) {
      const { id, tree } = row as { id?: unknown; tree?: unknown };
      if (typeof id === 'string' && id !== account && !rows.some(([known]) => known === id)) rows.push([id, tree]);
    }
    startKey = page.nextStartKey;
  } while (startKey !== undefined);
  const listed = new Set([account, ...rows.map(([id]) => id)]);
  return rows.map(([id, tree]) => {
    const last = Array.isArray(tree) ? (tree[tree.length - 1] as unknown) : undefined;
    return [id, typeof last === 'string' && last !== id && listed.has(last) ? last : account];
  });
}

async function* toRecords(rows: unknown[], offset: number): AsyncIterable<RawRecord[]> {
  yield rows.map((doc, i) => ({ index: offset + i, doc }));
}
