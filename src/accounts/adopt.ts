/**
 * Who may make an account a subaccount (docs/accounts.md, "Trust"). Kazoo's tree gives an account one
 * parent. A `--subaccounts` webhook for R may adopt an account X only while callstats has never seen
 * X: no recorded parent, no stored calls, no key or webhook of its own. The operator's own tools
 * (`import --parent`, `pull --descendants`) may link any account that has no other parent.
 */
import type { AccountParent, Store } from '../store/store.js';
import { descendants } from './subaccounts.js';

type LinkStore = Pick<Store, 'listAccountParents' | 'addAccountParent'>;
type AdoptStore = LinkStore & Pick<Store, 'all' | 'dialect'>;

/**
 * Why `account` may not be linked under `parent` given the recorded links, or `'linked'` when it
 * already sits in `parent`'s tree (nothing to write), or undefined when it has no parent yet.
 */
export function linkProblem(
  links: readonly AccountParent[],
  account: string,
  parent: string,
  parentName = `account ${parent}`,
): string | undefined | 'linked' {
  if (account === parent || descendants(links, parent).has(account)) return 'linked';
  if (descendants(links, account).has(parent)) return `account_id: ${account} is a parent of ${parentName}, not a subaccount`;
  const other = links.find((l) => l.account_id === account);
  if (other) return `account_id: ${account} already belongs to account ${other.parent_id}, outside ${parent}'s tree`;
  return undefined;
}

/** One promise chain per store: adoptions and trusted links check and write one at a time. */
const chains = new WeakMap<object, Promise<unknown>>();
function serialized<T>(store: object, work: () => Promise<T>): Promise<T> {
  const run = (chains.get(store) ?? Promise.resolve()).then(work, work);
  chains.set(
    store,
    run.catch(() => undefined),
  );
  return run;
}

/**
 * Verdicts on accounts callstats had seen before a hook named them, per store, so a refused account
 * costs its one query once and not on every CDR. Seen stays seen (calls, keys and tokens are kept,
 * revoked or not); an operator's link is read before this, so it still takes effect.
 */
const SEEN_LIMIT = 10_000;
const seen = new WeakMap<object, Map<string, string>>();

/** The one bounded query per new account: does it hold calls, a key, a webhook token? */
async function seenReason(store: Pick<Store, 'all'>, account: string): Promise<string | undefined> {
  // `?` is the placeholder both stores bind in order (docs/architecture.md, "Placeholders").
  const [row] = await store.all({
    sql:
      'SELECT (SELECT count(*) FROM (SELECT 1 FROM calls WHERE account_id = ? LIMIT 1) AS c) AS calls, ' +
      '(SELECT count(*) FROM api_keys WHERE account = ?) AS api_keys, ' +
      '(SELECT count(*) FROM webhook_tokens WHERE account = ?) AS webhook_tokens',
    params: [account, account, account],
  });
  if (Number(row?.calls) > 0) return 'already has calls stored under it';
  if (Number(row?.api_keys) > 0) return 'has an API key of its own';
  if (Number(row?.webhook_tokens) > 0) return 'has a webhook token of its own';
  return undefined;
}

function refusal(account: string, hookAccount: string, what: string): string {
  return (
    `account_id: ${account} ${what}; a --subaccounts webhook adopts only accounts callstats has not seen ` +
    `(an operator links it with 'callstats import --parent ${hookAccount}' or 'pull --descendants')`
  );
}

/**
 * Records the hook's account as the parent of a CDR's account, before the CDR is stored. Undefined
 * when the CDR may be stored, else the reason it is refused (nothing is written then). An account
 * already in the hook's tree costs no query; a new one, one query, once.
 */
export async function adoptSubaccount(
  store: AdoptStore,
  hook: { account: string; subaccounts?: boolean },
  account: string,
): Promise<string | undefined> {
  if (hook.subaccounts !== true || account === hook.account) return undefined;
  const verdict = async (): Promise<string | undefined | 'new'> => {
    const problem = linkProblem(await store.listAccountParents(), account, hook.account, `this webhook's account ${hook.account}`);
    if (problem === 'linked') return undefined;
    if (problem !== undefined) return problem;
    const known = seen.get(store)?.get(account);
    return known === undefined ? 'new' : refusal(account, hook.account, known);
  };
  const fast = await verdict();
  if (fast !== 'new') return fast;
  // Two hooks racing for one new account: the second sees the first one's link.
  return serialized(store, async () => {
    const again = await verdict();
    if (again !== 'new') return again;
    const reason = await seenReason(store, account);
    if (reason !== undefined) {
      let cache = seen.get(store);
      if (!cache) seen.set(store, (cache = new Map()));
      if (cache.size >= SEEN_LIMIT) cache.clear();
      cache.set(account, reason);
      return refusal(account, hook.account, reason);
    }
    await store.addAccountParent({ account_id: account, parent_id: hook.account, created_at: Math.floor(Date.now() / 1000) });
    return undefined;
  });
}

/**
 * An operator's link (`import --parent`, `pull --descendants`): records `parent` as the parent of
 * `account` unless it is already in `parent`'s tree. Undefined when linked, else why not (the
 * account has another parent, or is an ancestor of `parent`).
 */
export async function linkAccount(store: LinkStore, account: string, parent: string): Promise<string | undefined> {
  return serialized(store, async () => {
    const problem = linkProblem(await store.listAccountParents(), account, parent);
    if (problem === 'linked') return undefined;
    if (problem !== undefined) return problem;
    await store.addAccountParent({ account_id: account, parent_id: parent, created_at: Math.floor(Date.now() / 1000) });
    return undefined;
  });
}
