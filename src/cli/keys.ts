import { accountIdProblem } from '../accounts/account-id.js';
import { createApiKey } from '../accounts/tokens.js';
import type { ApiKeyRecord, Store } from '../store/store.js';
import { makeOutput, usage } from './output.js';

/** Longest key label, in UTF-8 bytes. */
export const MAX_LABEL_BYTES = 1024;

/** `keys create --account` and `webhooks create --account`: why the value is not an account, else undefined. */
export function accountFlagProblem(account: string | undefined, command: string, star: boolean): string | undefined {
  if (account === undefined || account === '') return `${command} needs --account ID${star ? " (or --account '*')" : ' (one account)'}`;
  if (account === '*') return star ? undefined : `${command} needs one account, not '*'`;
  const problem = accountIdProblem(account);
  return problem === undefined ? undefined : `--account: ${problem}`;
}

/**
 * A label as stored: an empty one is no label (null); control characters (NUL, newlines, escapes,
 * which would forge lines of `keys list`) and more than 1 KiB are refused (docs/accounts.md).
 */
export function checkLabel(label: string | undefined): { label: string | null } | { problem: string } {
  if (label === undefined || label === '') return { label: null };
  if (/[\u0000-\u001f\u007f]/.test(label)) return { problem: '--label: must not contain control characters (NUL, tab, newline, escape)' };
  if (Buffer.byteLength(label) > MAX_LABEL_BYTES) return { problem: `--label: longer than ${MAX_LABEL_BYTES} bytes` };
  return { label };
}

/** A key as `keys list` shows it: every field but the secret's hash, in one order on every path. */
function shownKey(k: ApiKeyRecord) {
  return {
    id: k.id,
    account: k.account,
    subaccounts: k.subaccounts === true,
    label: k.label ?? null,
    created_at: Number(k.created_at),
    revoked: k.revoked === true,
  };
}

/** Unix seconds as ISO 8601, or the raw value when it is no time (never a RangeError). */
export function isoTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isFinite(d.getTime()) ? d.toISOString() : String(seconds);
}

/** `callstats keys create|list|revoke`. */
export async function runKeys(
  store: Store,
  sub: string,
  args: { account?: string; id?: string; label?: string; subaccounts?: boolean; json: boolean },
): Promise<number> {
  const out = makeOutput(args.json);
  switch (sub) {
    case 'create': {
      const bad = accountFlagProblem(args.account, 'keys create', true);
      if (bad) return usage(bad);
      if (args.subaccounts && args.account === '*') return usage("--subaccounts needs one account: '*' reads every account already");
      const label = checkLabel(args.label);
      if ('problem' in label) return usage(label.problem);
      const subaccounts = args.subaccounts === true;
      const key = await createApiKey(store, args.account!, label.label, subaccounts);
      out.result(
        { id: key.id, account: args.account, subaccounts, label: label.label, token: key.token },
        `key ${key.id} for account ${args.account}${subaccounts ? ' and its subaccounts' : ''}\ntoken (shown once): ${key.token}`,
      );
      return 0;
    }
    case 'list': {
      const keys = (await store.listKeys()).map(shownKey);
      out.result(
        keys,
        keys
          .map(
            (k) =>
              `${k.id}  ${(k.account + (k.subaccounts ? '+sub' : '')).padEnd(36)}  ${k.revoked ? 'revoked' : 'active '}  ${isoTime(k.created_at)}  ${k.label ?? ''}`,
          )
          .join('\n') || 'no keys',
      );
      return 0;
    }
    case 'revoke': {
      if (!args.id) return usage('keys revoke needs a key id');
      const ok = await store.revokeKey(args.id);
      out.result({ id: args.id, revoked: ok }, ok ? `key ${args.id} revoked` : `no active key ${args.id}`);
      return ok ? 0 : 1;
    }
    default:
      return usage(`unknown keys command '${sub}'`);
  }
}
