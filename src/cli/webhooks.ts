import { createWebhookToken } from '../accounts/tokens.js';
import type { Config } from '../core/config.js';
import type { Store, WebhookTokenRecord } from '../store/store.js';
import { accountFlagProblem, isoTime } from './keys.js';
import { makeOutput, usage } from './output.js';

/**
 * Where Kazoo reaches this server: `CALLSTATS_PUBLIC_URL` when set (behind a reverse proxy, the
 * proxy's address), else the configured host and port.
 */
export function webhookBase(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

function shownToken(t: WebhookTokenRecord) {
  return {
    id: t.id,
    account: t.account,
    subaccounts: t.subaccounts === true,
    created_at: Number(t.created_at),
    revoked: t.revoked === true,
  };
}

/** `callstats webhooks create|list|revoke`. */
export async function runWebhooks(
  store: Store,
  sub: string,
  args: { account?: string; id?: string; subaccounts?: boolean; json: boolean; base: string; publicUrlSet: boolean },
): Promise<number> {
  const out = makeOutput(args.json);
  switch (sub) {
    case 'create': {
      const bad = accountFlagProblem(args.account, 'webhooks create', false);
      if (bad) return usage(bad);
      const subaccounts = args.subaccounts === true;
      const token = await createWebhookToken(store, args.account!, subaccounts);
      const path = `/v2/webhooks/${token.token}/channel_destroy`;
      const hint = args.publicUrlSet ? '' : '\n(set CALLSTATS_PUBLIC_URL to the address Kazoo reaches this server at)';
      out.result(
        { id: token.id, account: args.account, subaccounts, token: token.token, path, url: `${args.base}${path}` },
        `webhook ${token.id} for account ${args.account}${subaccounts ? ' and its subaccounts' : ''} (token shown once)\n` +
          `Kazoo webhook uri: ${args.base}${path}${hint}`,
      );
      return 0;
    }
    case 'list': {
      const tokens = (await store.listWebhookTokens()).map(shownToken);
      out.result(
        tokens,
        tokens
          .map(
            (t) =>
              `${t.id}  ${(t.account + (t.subaccounts ? '+sub' : '')).padEnd(36)}  ${t.revoked ? 'revoked' : 'active '}  ${isoTime(t.created_at)}`,
          )
          .join('\n') || 'no webhooks',
      );
      return 0;
    }
    case 'revoke': {
      if (!args.id) return usage('webhooks revoke needs a webhook id (webhooks list shows them)');
      const ok = await store.revokeWebhookToken(args.id);
      out.result({ id: args.id, revoked: ok }, ok ? `webhook ${args.id} revoked` : `no active webhook ${args.id}`);
      return ok ? 0 : 1;
    }
    default:
      return usage(`unknown webhooks command '${sub}'`);
  }
}
