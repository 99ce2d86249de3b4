import { createHash } from 'node:crypto';
import type { Config } from '../core/config.js';
import type { ParsedQuery } from '../query/parse-query.js';
import type { Store } from '../store/store.js';
import type { Period } from '../time/index.js';
import { accountIsEmpty } from './account-empty.js';
import type { AnswerScope, CachedAnswer } from './answer-cache.js';
import { statistics } from './statistics.js';
import { clampCallTimeFilters, clampedCallTimeBounds } from './time-bounds.js';

/**
 * A statistics answer ready for the envelope: `data` serialised once (the revision hashes the same
 * text the client receives), whether the account holds no calls at all (docs/api.md), and what it read.
 */
export async function statisticsAnswer(
  store: Store,
  account: string | undefined,
  period: Period,
  query: ParsedQuery,
  config: Pick<Config, 'dateOrder' | 'weekStart' | 'statsRowsMax'>,
): Promise<{ answer: CachedAnswer; scope: AnswerScope }> {
  const stats = await statistics(store, account, period, query, config);
  const data = JSON.stringify(stats);
  const revision = createHash('md5').update(data).digest('hex');
  const accountEmpty = await accountIsEmpty(store, account, stats);
  const [from, to] = clampedCallTimeBounds(clampCallTimeFilters(query.filters));
  // `account_empty` depends on every call of the account, whenever it started.
  const scope = accountEmpty ? { account, from: -Infinity, to: Infinity } : { account, from, to };
  return { answer: { data, revision, accountEmpty }, scope };
}

/**
 * Everything that determines a statistics answer, as one string: the account (a statistics
 * request reads the one account of its URL, whatever else its key may read), the period, the
 * parsed query (filters are typed values, times already resolved to UTC seconds, so a relative or
 * open-ended period is keyed by what it resolved to) and the settings the answer's text depends on.
 */
export function answerKey(
  account: string | undefined,
  period: Period,
  query: ParsedQuery,
  config: Pick<Config, 'dateOrder' | 'weekStart'>,
): string {
  return JSON.stringify([
    account ?? null,
    period,
    query.filters,
    query.grouping ?? null,
    query.timezone,
    query.timeFormat,
    query.weekStart ?? config.weekStart,
    [...new Set(query.metrics)].sort(),
    config.dateOrder,
  ]);
}
