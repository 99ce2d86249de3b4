import { parseCallTime } from '../time/index.js';
import { runBackup, runRestore } from './backup.js';
import { runCompact } from './compact.js';
import { runMigrate } from './migrate.js';
import { usage } from './output.js';
import { runPrune } from './prune.js';
import { str, withStore, type Command } from './command.js';

/** `--before`'s instant (UTC epoch seconds): a date (UTC midnight), a Kazoo-form time or ISO 8601; the usage message when malformed. */
function cutOf(value: string, dateOrder: 'dmy' | 'mdy'): number | string {
  try {
    return parseCallTime(value, 'UTC', dateOrder);
  } catch (err) {
    return `--before: ${(err as Error).message}`;
  }
}

/** Store upkeep: copying between stores, compaction, retention, backup and restore. */
export const UPKEEP_COMMANDS: readonly Command[] = [
  {
    name: 'migrate',
    summary: 'copy calls, zones, keys and webhook tokens from one store to another',
    synopsis: '--from STORE --to STORE',
    flags: {
      from: { type: 'string', value: 'STORE', help: 'the store to copy from (required)' },
      to: { type: 'string', value: 'STORE', help: 'the store to copy into (required)' },
    },
    examples: ['callstats migrate --from duckdb:./data/callstats.duckdb --to clickhouse://127.0.0.1:8123/callstats'],
    run: async ({ values, json }) => {
      const from = str(values.from);
      const to = str(values.to);
      if (!from || !to) return usage('usage: callstats migrate --from STORE --to STORE [--json]');
      return runMigrate({ from, to, json });
    },
  },
  {
    name: 'compact',
    summary: "sort the embedded store's newly stored calls by account and time (faster reads)",
    synopsis: '',
    flags: {},
    examples: ['callstats compact'],
    run: ({ config, json }) => withStore(config, (store) => runCompact(store, json)),
  },
  {
    name: 'prune',
    summary: 'delete calls that started before a date (retention), of one account or all; gives the space back',
    synopsis: '--before DATE [--account ID] [--dry-run]',
    flags: {
      before: {
        type: 'string',
        value: 'DATE',
        help: 'calls that started before this go: YYYY-MM-DD (UTC midnight) or an ISO 8601 time with offset (required)',
      },
      account: { type: 'string', value: 'ID', help: 'only this account (default: every account)' },
      'dry-run': { type: 'boolean', help: 'count the calls that would go; delete nothing' },
    },
    examples: [
      'callstats prune --before 2025-01-01 --dry-run',
      'callstats prune --before 2025-01-01T00:00:00+13:00 --account 4f1a0c2e9b7d4e5f8a6b3c2d1e0f9a8b',
    ],
    run: ({ config, values, args, json }) => {
      const before = str(values.before);
      if (!before || args.length > 0)
        return Promise.resolve(
          usage('usage: callstats prune --before DATE [--account ID] [--dry-run]', 'callstats help prune lists its flags'),
        );
      const account = str(values.account);
      if (account !== undefined && account.trim() === '') return Promise.resolve(usage('--account needs an account id'));
      const cut = cutOf(before, config.dateOrder);
      if (typeof cut === 'string') return Promise.resolve(usage(cut));
      return withStore(config, (store) => runPrune({ store, before: cut, account, dryRun: values['dry-run'] === true, json }));
    },
  },
  {
    name: 'backup',
    summary: 'write a consistent snapshot of the embedded store into an empty directory, also while serve runs',
    synopsis: 'DIR',
    flags: {},
    examples: ['callstats backup /var/backups/callstats/$(date +%F)'],
    run: ({ config, args, json }) =>
      args.length !== 1 ? Promise.resolve(usage('usage: callstats backup DIR', 'callstats help backup')) : runBackup(config, args[0], json),
  },
  {
    name: 'restore',
    summary: 'put a backup in place of the embedded store (serve stopped); a store with data only with --force',
    synopsis: 'DIR [--force]',
    flags: { force: { type: 'boolean', help: 'replace a store that holds calls, keys or webhook tokens' } },
    examples: ['callstats restore /var/backups/callstats/2026-11-30 --store duckdb:/var/lib/callstats/callstats.duckdb'],
    run: ({ config, values, args, json }) =>
      args.length !== 1
        ? Promise.resolve(usage('usage: callstats restore DIR [--force]', 'callstats help restore'))
        : runRestore(config, args[0], values.force === true, json),
  },
];
