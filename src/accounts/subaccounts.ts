/**
 * Kazoo's reseller model (docs/accounts.md): a `--subaccounts` webhook token files each CDR under
 * its payload's account and records its own account as that account's parent; a `--subaccounts`
 * key reads its account and every recorded descendant, transitively. Without the flag a key reads
 * its one account and a webhook token overrides the payload's account.
 */
import type { AccountParent, ApiKeyRecord, Store, WebhookTokenRecord } from '../store/store.js';

/** Every recorded descendant of `account` (children, their children, …), not `account` itself. */
export function descendants(links: readonly AccountParent[], account: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const l of links) children.set(l.parent_id, [...(children.get(l.parent_id) ?? []), l.account_id]);
  const found = new Set<string>();
  const todo = [account];
  while (todo.length > 0) {
    for (const child of children.get(todo.pop()!) ?? []) {
      // A cycle (two hooks naming each other) ends here instead of looping.
      if (child === account || found.has(child)) continue;
      found.add(child);
      todo.push(child);
    }
  }
  return found;
}

/** The accounts a key may read: `'*'`, or its account first and then its recorded descendants, sorted. */
export async function readableAccounts(store: Store, key: Pick<ApiKeyRecord, 'account' | 'subaccounts'>): Promise<'*' | string[]> {
  if (key.account === '*') return '*';
  if (key.subaccounts !== true) return [key.account];
  return [key.account, ...[...descendants(await store.listAccountParents(), key.account)].sort()];
}

/** Whether a key may read or write `account`; a key without `--subaccounts` costs no store read. */
export async function keyAllows(store: Store, key: Pick<ApiKeyRecord, 'account' | 'subaccounts'>, account: string): Promise<boolean> {
  if (key.account === '*' || key.account === account) return true;
  if (key.subaccounts !== true) return false;
  return descendants(await store.listAccountParents(), key.account).has(account);
}

/**
 * How a webhook token decides a CDR's account (the `CdrContext` of cdr-to-call): a plain token
 * overrides the payload's account; a subaccount token takes the payload's and falls back to its own.
 */
export function webhookAccount(hook: Pick<WebhookTokenRecord, 'account' | 'subaccounts'>): {
  accountId?: string;
  defaultAccountId?: string;
} {
  return hook.subaccounts === true ? { defaultAccountId: hook.account } : { accountId: hook.account };
}

// The adoption rule (who may become a subaccount) lives in adopt.ts; the webhook route imports it from here.
export { adoptSubaccount } from './adopt.js';
