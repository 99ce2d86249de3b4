import { runKeys } from './keys.js';
import { runWebhooks, webhookBase } from './webhooks.js';
import { str, withStore, type Command } from './command.js';

/** API keys and webhook tokens. */
export const ACCOUNT_COMMANDS: readonly Command[] = [
  {
    name: 'keys',
    summary: 'create, list or revoke API keys',
    synopsis: "create --account ID|'*' [--subaccounts] [--label L] | list | revoke ID",
    flags: {
      account: { type: 'string', value: 'ID', help: "create: the account the key may read, or '*' for all" },
      label: { type: 'string', value: 'L', help: 'create: a note kept with the key (at most 1 KiB, no control characters)' },
      subaccounts: { type: 'boolean', help: "create: also read every recorded subaccount (Kazoo's reseller model)" },
    },
    examples: [
      "callstats keys create --account '*' --label admin",
      'callstats keys create --account 4f1a0c2e9b7d4e5f8a6b3c2d1e0f9a8b --subaccounts --label reseller',
      'callstats keys revoke 0f3a9c1d2b4e6a8c',
    ],
    run: ({ config, values, args, json }) =>
      withStore(config, (store) =>
        runKeys(store, args[0] ?? '', {
          account: str(values.account),
          id: args[1],
          label: str(values.label),
          subaccounts: values.subaccounts === true,
          json,
        }),
      ),
  },
  {
    name: 'webhooks',
    summary: "create, list or revoke the tokens of Kazoo's channel_destroy webhooks",
    synopsis: 'create --account ID [--subaccounts] | list | revoke ID',
    flags: {
      account: { type: 'string', value: 'ID', help: 'create: the account whose CDRs the token stores (one account)' },
      subaccounts: {
        type: 'boolean',
        help: "create: store each CDR under its payload's account and record ID as its parent (Kazoo's include_subaccounts)",
      },
    },
    examples: [
      'callstats webhooks create --account 4f1a0c2e9b7d4e5f8a6b3c2d1e0f9a8b --subaccounts',
      'callstats webhooks list',
      'callstats webhooks revoke 0f3a9c1d2b4e6a8c',
    ],
    run: ({ config, values, args, json }) =>
      withStore(config, (store) =>
        runWebhooks(store, args[0] ?? '', {
          account: str(values.account),
          id: args[1],
          subaccounts: values.subaccounts === true,
          json,
          base: webhookBase(config),
          publicUrlSet: config.publicUrl !== undefined,
        }),
      ),
  },
];
