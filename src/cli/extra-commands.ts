import type { Config } from '../core/config.js';
import { runMigrate } from './migrate.js';
import { queryCommand } from './query.js';

/** A CLI command added by a later capability (query, migrate). */
export type ExtraCommand = (opts: { config: Config; values: Record<string, unknown>; args: string[]; json: boolean }) => Promise<number>;

export const extraCommands: Record<string, ExtraCommand> = {
  query: queryCommand,
};

/** `callstats migrate --from STORE --to STORE [--json]`. */
extraCommands.migrate = async ({ values, json }) => {
  const { from, to } = values;
  if (typeof from !== 'string' || typeof to !== 'string') {
    process.stderr.write('usage: callstats migrate --from STORE --to STORE [--json]\n');
    return 2;
  }
  return runMigrate({ from, to, json });
};
