import { createApiKey, createWebhookToken } from '../accounts/tokens.js';
import type { Store } from '../store/store.js';
import { makeOutput, usage } from './output.js';

/** `callstats keys create|list|revoke` and `webhooks create`. */
export async function runKeys(
  store: Store,
  sub: string,
  args: { account?: string; id?: string; label?: string; json: boolean },
): Promise<number> {
  const out = makeOutput(args.json);
  switch (sub) {
    case 'create': {
      if (!args.account) return usage("keys create needs --account ID (or --account '*')");
      const key = await createApiKey(store, args.account, args.label ?? null);
      out.result(
        { id: key.id, account: args.account, token: key.token },
        `key ${key.id} for account ${args.account}\ntoken (shown once): ${key.token}`,
      );
      return 0;
    }
    case 'list': {
      const keys = (await store.listKeys()).map(({ secret_hash: _h, ...k }) => k);
      out.result(
        keys,
        keys
          .map(
            (k) =>
              `${k.id}  ${k.account.padEnd(32)}  ${k.revoked ? 'revoked' : 'active '}  ${new Date(k.created_at * 1000).toISOString()}  ${k.label ?? ''}`,
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

export async function runWebhooks(store: Store, sub: string, args: { account?: string; json: boolean }): Promise<number> {
  if (sub !== 'create') return usage(`unknown webhooks command '${sub}'`);
  if (!args.account || args.account === '*') return usage('webhooks create needs --account ID (one account)');
  const token = await createWebhookToken(store, args.account);
  makeOutput(args.json).result(
    { id: token.id, account: args.account, token: token.token, path: `/v2/webhooks/${token.token}/channel_destroy` },
    `webhook token for account ${args.account} (shown once)\nKazoo webhook uri: http://YOUR_HOST:8000/v2/webhooks/${token.token}/channel_destroy`,
  );
  return 0;
}
