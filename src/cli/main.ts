import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../core/config.js';
import { CallstatsError } from '../core/errors.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { runImport } from './import.js';
import { runKeys, runWebhooks, usage } from './keys.js';
import { runServe } from './serve.js';
import { runZones } from './zones.js';
import { runCompact } from './compact.js';
import { extraCommands } from './extra-commands.js';

const HELP = `callstats — call detail record statistics

usage: callstats <command> [options]

  serve [--port N] [--host H]          HTTP API and dashboard
  import [--account ID] [--format F] FILE...   Kazoo CDR JSON / CouchDB dump / crossbar / NDJSON / CSV ('-' = stdin)
  query --account ID PERIOD|csv|json [--q JSON]
  zones import FILE [--extend] | zones export | zones rezone | zones rebuild
  keys create --account ID|'*' [--label L] | keys list | keys revoke ID
  webhooks create --account ID
  demo [--calls N]                     load a demo account into an empty store and serve it
  migrate --from STORE --to STORE      copy calls, zones, keys and webhook tokens between stores
  compact                              re-sort the embedded store's calls by account and time (faster reads)

options: --store STORE (or CALLSTATS_STORE), --json (machine-readable output)
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  store: { type: 'string' },
  account: { type: 'string' },
  format: { type: 'string' },
  q: { type: 'string' },
  label: { type: 'string' },
  calls: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  extend: { type: 'boolean' },
  json: { type: 'boolean' },
  'demo-if-empty': { type: 'boolean' },
  'batch-size': { type: 'string' },
  'page-size': { type: 'string' },
  'start-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type CliValues = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
}

/** Runs one CLI invocation; resolves to the exit code (serve resolves when it stops). */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (err) {
    return usage(`${(err as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (!command || values.help) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 2;
  }
  const env = { ...process.env };
  if (values.store) env.CALLSTATS_STORE = values.store;
  if (values.port) env.CALLSTATS_PORT = values.port;
  if (values.host) env.CALLSTATS_HOST = values.host;
  const config = loadConfig(env);
  const json = values.json ?? false;

  if (command === 'serve' || command === 'demo') {
    const calls = values.calls ? Number(values.calls) : undefined;
    if (calls !== undefined && !(Number.isInteger(calls) && calls > 0)) return usage('--calls takes a positive whole number');
    const server = await runServe({ config, demoIfEmpty: command === 'demo' || values['demo-if-empty'], demoCalls: calls });
    // SIGTERM/SIGINT drain within CALLSTATS_SHUTDOWN_TIMEOUT and exit 0 (SPEC 9); a second
    // signal ends the process at once (Node's default), for an operator who will not wait.
    await new Promise<void>((resolve, reject) => {
      const stop = (signal: NodeJS.Signals) => {
        process.stderr.write(`callstats: ${signal}: draining (at most ${config.shutdownTimeoutMs / 1000} s) ...\n`);
        server.close().then(resolve, reject);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  }

  const extra = extraCommands[command];
  if (extra) return extra({ config, values, args: rest, json });

  const store = await openStore(config.store, { allowRemote: true });
  try {
    return await dispatch(command, rest, values, config, store, json);
  } finally {
    await store.close();
  }
}

async function dispatch(command: string, rest: string[], values: CliValues, config: Config, store: Store, json: boolean): Promise<number> {
  switch (command) {
    case 'import':
      return runImport({
        store,
        files: rest,
        account: values.account,
        format: values.format as 'auto' | 'json' | 'ndjson' | 'csv' | undefined,
        defaultCountry: config.defaultCountry,
        json,
        batchSize: values['batch-size'] ? Number(values['batch-size']) : undefined,
      });
    case 'keys':
      return runKeys(store, rest[0] ?? '', { account: values.account, id: rest[1], label: values.label, json });
    case 'webhooks':
      return runWebhooks(store, rest[0] ?? '', { account: values.account, json });
    case 'compact':
      return runCompact(store, json);
    case 'zones':
      return runZones(store, rest[0] ?? '', { file: rest[1], extend: values.extend, defaultCountry: config.defaultCountry, json });
    default:
      return usage(`unknown command '${command}'\n\n${HELP}`);
  }
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
