import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../core/config.js';
import { CallstatsError } from '../core/errors.js';
import type { Flag } from './command.js';
import { COMMANDS, findCommand, GLOBAL_FLAGS } from './commands.js';
import { commandHelp, globalHelp, version } from './help.js';
import { usage } from './output.js';

/** Every flag of every command: one parse finds the command, then its own flags are checked. */
function allFlags(): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  const add = (name: string, f: Flag) => (options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}) });
  for (const [name, f] of Object.entries(GLOBAL_FLAGS)) add(name, f);
  for (const c of COMMANDS) for (const [name, f] of Object.entries(c.flags)) add(name, f);
  return options;
}

/** Runs one CLI invocation; resolves to the exit code (serve resolves when it stops). */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: allFlags(), allowPositionals: true, strict: true });
  } catch (err) {
    return usage(`${(err as Error).message}\n\n${globalHelp()}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const [name, ...args] = parsed.positionals;
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (name === 'help') {
    if (args.length === 0) {
      process.stdout.write(globalHelp());
      return 0;
    }
    const asked = findCommand(args[0]);
    if (!asked || args.length > 1) return usage(`no command '${args.join(' ')}'\n\n${globalHelp()}`);
    process.stdout.write(commandHelp(asked));
    return 0;
  }
  if (!name) {
    process.stdout.write(globalHelp());
    return values.help ? 0 : 2;
  }
  const command = findCommand(name);
  if (!command) return usage(`unknown command '${name}'\n\n${globalHelp()}`);
  if (values.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const foreign = Object.keys(values).filter((f) => !(f in command.flags) && !(f in GLOBAL_FLAGS));
  if (foreign.length > 0) {
    return usage(`${command.name} takes no ${foreign.map((f) => `--${f}`).join(', ')} (callstats help ${command.name})`);
  }

  const env = { ...process.env };
  if (typeof values.store === 'string') env.CALLSTATS_STORE = values.store;
  if (typeof values.port === 'string') env.CALLSTATS_PORT = values.port;
  if (typeof values.host === 'string') env.CALLSTATS_HOST = values.host;
  return command.run({ config: loadConfig(env), values, args, json: values.json === true });
}

/** Runs the CLI and exits the process with its code; errors print one line, never a stack, for known failures. */
export function runCli(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (err) => {
      const known = err instanceof CallstatsError;
      const message = known
        ? `${err.message}${Object.keys(err.data).length ? ` ${JSON.stringify(err.data)}` : ''}`
        : ((err as Error)?.stack ?? String(err));
      process.stderr.write(`callstats: ${message}\n`);
      process.exit(known && err.status < 500 ? 2 : 1);
    },
  );
}
