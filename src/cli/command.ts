import type { Config } from '../core/config.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/** One command-line flag: `--name VALUE` (string) or `--name` (boolean). */
export interface Flag {
  type: 'string' | 'boolean';
  /** What the value looks like in help (`N`, `FILE`); string flags only. */
  value?: string;
  help: string;
  short?: string;
}

/** What a command's handler is given: parsed flags, the positionals after its name, the config. */
export interface CommandContext {
  config: Config;
  values: Record<string, string | boolean | undefined>;
  args: string[];
  json: boolean;
}

/** One `callstats` command: everything its help, its parsing and its dispatch need. */
export interface Command {
  name: string;
  summary: string;
  /** What follows the name in its usage line, besides the flags (`PERIOD|csv|json`). */
  synopsis: string;
  flags: Record<string, Flag>;
  examples: string[];
  run(ctx: CommandContext): Promise<number>;
}

export const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** Runs `fn` on the configured store (or the running server's, see docs/architecture.md) and closes it. */
export async function withStore(config: Config, fn: (store: Store) => Promise<number>): Promise<number> {
  const store = await openStore(config.store, {
    allowRemote: true,
    duckdbMemory: config.duckdbMemory,
    queryTimeoutMs: config.queryTimeoutMs,
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** A flag's positive whole number; undefined when absent, null when malformed. */
export function positive(v: string | boolean | undefined): number | undefined | null {
  if (typeof v !== 'string') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : null;
}
