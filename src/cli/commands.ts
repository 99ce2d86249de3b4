import { ACCOUNT_COMMANDS } from './account-commands.js';
import type { Command, Flag } from './command.js';
import { DATA_COMMANDS } from './data-commands.js';
import { FEED_COMMANDS } from './feed-commands.js';
import { SERVE_COMMANDS } from './serve-commands.js';
import { UPKEEP_COMMANDS } from './upkeep-commands.js';

/** Flags every command takes. */
export const GLOBAL_FLAGS: Record<string, Flag> = {
  store: {
    type: 'string',
    value: 'STORE',
    help: 'duckdb:PATH, clickhouse://HOST:PORT/DB[?cluster=NAME] or chdb:DIR (default CALLSTATS_STORE, else duckdb:./data/callstats.duckdb)',
  },
  json: { type: 'boolean', help: 'machine-readable output: results as JSON on stdout, errors as JSON on stderr' },
  help: { type: 'boolean', short: 'h', help: "this command's help" },
  version: { type: 'boolean', help: "print callstats's version" },
};

/** Every command, in the order the global help lists them (each group lives in its own file). */
export const COMMANDS: readonly Command[] = [
  ...SERVE_COMMANDS,
  ...DATA_COMMANDS,
  ...ACCOUNT_COMMANDS,
  ...FEED_COMMANDS,
  ...UPKEEP_COMMANDS,
];

/** The command called `name`, if there is one. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
