import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../core/config.js';
import { CallstatsError } from '../core/errors.js';
import { parseStoreLocation } from '../store/open-store.js';
import { describeFailure, isClosedPipe } from './failure.js';
import type { Command, Flag } from './command.js';
import { COMMANDS, findCommand, GLOBAL_FLAGS } from './commands.js';
import { installFatalHandlers } from './fatal.js';
import { commandHelp, globalHelp, version } from './help.js';
import { EXIT, flushed, setJsonErrors, usage, writeError } from './output.js';

/** Every flag of every command: one parse finds the command, then its own flags are checked. */
function allFlags(): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  const add = (name: string, f: Flag) => (options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}) });
  for (const [name, f] of Object.entries(GLOBAL_FLAGS)) add(name, f);
  for (const c of COMMANDS) for (const [name, f] of Object.entries(c.flags)) add(name, f);
  return options;
}

/** The flags `command` accepts: its own and the global ones (anything else is a usage error). */
export function acceptedFlags(command: Command): Record<string, Flag> {
  return { ...GLOBAL_FLAGS, ...command.flags };
}

/** Runs one CLI invocation; resolves to the exit code (serve resolves when it stops). */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  setJsonErrors(json);
  const withHelp = (message: string) => (json ? message : `${message}\n\n${globalHelp()}`);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: allFlags(), allowPositionals: true, strict: true });
  } catch (err) {
    return usage(parseError(err as Error & { code?: string }, argv), helpHint(argv.find((a) => findCommand(a))));
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
    if (!asked || args.length > 1) return usage(withHelp(`no command '${args.join(' ')}'`), json ? helpHint(undefined) : undefined);
    process.stdout.write(commandHelp(asked));
    return 0;
  }
  if (!name) {
    process.stdout.write(globalHelp());
    return values.help ? 0 : 2;
  }
  const command = findCommand(name);
  if (!command) return usage(withHelp(`unknown command '${name}'`), json ? helpHint(undefined) : undefined);
  if (values.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const accepted = acceptedFlags(command);
  const foreign = Object.keys(values).filter((f) => !(f in accepted));
  if (foreign.length > 0) {
    return usage(`${command.name} takes no ${foreign.map((f) => `--${f}`).join(', ')} (callstats help ${command.name})`);
  }

  if (typeof values.port === 'string' && !isPort(values.port)) {
    return usage(`--port takes a port number from 0 to 65535, not '${values.port}'`, helpHint(command.name));
  }
  const env = { ...process.env };
  if (typeof values.store === 'string') env.CALLSTATS_STORE = values.store;
  if (typeof values.port === 'string') env.CALLSTATS_PORT = values.port;
  if (typeof values.host === 'string') env.CALLSTATS_HOST = values.host;
  let config;
  try {
    config = loadConfig(env);
    // A malformed store location is a setting to fix, said before any command opens it (it was
    // an internal error, "a bug in callstats", from wherever the store was first opened).
    parseStoreLocation(config.store);
  } catch (err) {
    throw new CallstatsError('ERR_CONFIG', (err as Error).message);
  }
  return command.run({ config, values, args, json: values.json === true });
}

function helpHint(command: string | undefined): string {
  return command ? `callstats help ${command} lists its flags` : 'callstats help lists the commands';
}

function isPort(value: string): boolean {
  const port = Number(value);
  return /^\d+$/.test(value) && port >= 0 && port <= 65535;
}

/** parseArgs's complaint, said the way the rest of the CLI speaks: which flag, and what is wrong with it. */
function parseError(err: Error & { code?: string }, argv: string[]): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag ${flag ?? ''}`.trim();
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return flag && !argv.some((a) => a.startsWith(`${flag}=`)) && /argument missing/.test(err.message)
      ? `${flag} needs a value`
      : `${flag ?? 'a flag'} takes no value`;
  }
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return err.message;
  return err.message;
}

/**
 * Runs the CLI and exits the process with its code, once stdout and stderr are flushed (a pipe
 * gets every line). A reader that closes early (`| head`) ends the command quietly with 0. Known
 * failures print a message and a hint, never a stack; only a bug prints its stack (exit 4).
 */
export function runCli(argv: string[]): void {
  installFatalHandlers();
  const quietOnClosedPipe = (err: Error) => {
    if (isClosedPipe(err)) process.exit(EXIT.ok);
    throw err;
  };
  process.stdout.on('error', quietOnClosedPipe);
  const exit = async (code: number) => {
    await flushed(process.stdout);
    await flushed(process.stderr);
    process.exit(code);
  };
  main(argv).then(exit, (err) => {
    if (isClosedPipe(err)) return exit(EXIT.ok);
    const { report, exit: code } = describeFailure(err);
    writeError(report);
    return exit(code);
  });
}
