import { runKeys, runWebhooks } from './keys.js';
import { str, withStore, type Command } from './command.js';

/** API keys and webhook tokens. */
export const ACCOUNT_COMMANDS: readonly Command[] = [
  {
    name: 'keys',
    summary: 'create, list or revoke API keys',
    synopsis: "create --account ID|'*' | list | revoke ID",
    flags: {
      account: { type: 'string', value: 'ID', help: "create: the account the key may read, or '*' for all" },
      label: { type: 'string', value: 'L', help: 'create: a note kept with the key' },
    },
    examples: ["callstats keys create --account '*' --label admin", 'callstats keys revoke 0f3a9c1d2b4e6a8c'],
    run: ({ config, values, args, json }) =>
      withStore(config, (store) =>
        runKeys(store, args[0] ?? '', { account: str(values.account), id: args[1], label: str(values.label), json }),
      ),
  },
  {
    name: 'webhooks',
    summary: "create a webhook token for one account's Kazoo channel_destroy webhook",
    synopsis: 'create --account ID',
    flags: { account: { type: 'string', value: 'ID', help: 'the account whose CDRs the token stores (one account)' } },
    examples: ['callstats webhooks create --account 4f1a0c2e9b7d4e5f8a6b3c2d1e0f9a8b'],
    run: ({ config, values, args, json }) =>
      withStore(config, (store) => runWebhooks(store, args[0] ?? '', { account: str(values.account), json })),
  },
];
