/**
 * The operator's trusted links (docs/accounts.md, "Linking accounts"): `import --parent R` makes R
 * the parent of every account it stores calls for, `pull --descendants` records crossbar's tree.
 * Both keep Kazoo's one-parent rule (adopt.ts `linkProblem`).
 */
import { CallstatsError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import { linkAccount, linkProblem } from './adopt.js';

type LinkingStore = Pick<Store, 'insertCalls' | 'listAccountParents' | 'addAccountParent'>;

function parentError(flag: string, parent: string, problem: string, account: string): CallstatsError {
  return new CallstatsError('ERR_ACCOUNT_PARENT', `${flag} ${parent}: ${problem}`, { account_id: account });
}

/**
 * A store whose `insertCalls` first links each account it has not met yet under `parent`. A batch
 * naming an account with another parent stores nothing and fails naming the account; the batches
 * before it stay stored (a re-run only finds them as duplicates).
 */
export function linkingUnder(store: LinkingStore, parent: string): Pick<Store, 'insertCalls'> {
  const linked = new Set<string>([parent]);
  return {
    async insertCalls(calls) {
      const fresh = new Set<string>();
      for (const c of calls) if (!linked.has(c.account_id)) fresh.add(c.account_id);
      if (fresh.size > 0) {
        const links = await store.listAccountParents();
        for (const account of fresh) {
          const problem = linkProblem(links, account, parent);
          if (problem !== undefined && problem !== 'linked') throw parentError('--parent', parent, problem, account);
        }
        for (const account of fresh) {
          const problem = await linkAccount(store, account, parent);
          if (problem !== undefined) throw parentError('--parent', parent, problem, account);
          linked.add(account);
        }
      }
      return store.insertCalls(calls);
    },
  };
}

/**
 * Records a crossbar tree: each `[account, parent]` pair, checked all first so a conflict writes
 * nothing. Fails naming the first account that already has another parent.
 */
export async function linkTree(
  store: Pick<Store, 'listAccountParents' | 'addAccountParent'>,
  root: string,
  pairs: readonly (readonly [string, string])[],
): Promise<void> {
  let links = await store.listAccountParents();
  for (const [account, parent] of pairs) {
    const problem = linkProblem(links, account, parent);
    if (problem === 'linked') continue;
    if (problem !== undefined) throw parentError('pull --descendants of', root, problem, account);
    // Later pairs are judged with this one in place (a child listed before its own parent).
    links = [...links, { account_id: account, parent_id: parent, created_at: 0 }];
  }
  for (const [account, parent] of pairs) {
    const problem = await linkAccount(store, account, parent);
    if (problem !== undefined) throw parentError('pull --descendants of', root, problem, account);
  }
}
