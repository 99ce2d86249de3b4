import { runServe } from './serve.js';
import { usage } from './output.js';
import type { Command, CommandContext, Flag } from './command.js';

const listen: Record<string, Flag> = {
  port: { type: 'string', value: 'N', help: 'port to listen on (default CALLSTATS_PORT, else 8000)' },
  host: { type: 'string', value: 'H', help: 'address to listen on (default CALLSTATS_HOST, else 127.0.0.1)' },
};
const demoCalls: Flag = { type: 'string', value: 'N', help: 'calls in the demo account (default 20000)' };

/** `serve` and `demo`: listen until SIGTERM/SIGINT, then drain within CALLSTATS_SHUTDOWN_TIMEOUT (SPEC 9). */
async function serveUntilSignal(ctx: CommandContext, demoIfEmpty: boolean): Promise<number> {
  const calls = ctx.values.calls !== undefined ? Number(ctx.values.calls) : undefined;
  if (calls !== undefined && !(Number.isInteger(calls) && calls > 0)) return usage('--calls takes a positive whole number');
  const { config } = ctx;
  const server = await runServe({ config, demoIfEmpty, demoCalls: calls });
  // A second signal ends the process at once (Node's default), for an operator who will not wait.
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

/** `serve` and `demo`: the commands that run the HTTP API. */
export const SERVE_COMMANDS: readonly Command[] = [
  {
    name: 'serve',
    summary: 'the HTTP API',
    synopsis: '',
    flags: {
      ...listen,
      'demo-if-empty': { type: 'boolean', help: 'load the demo account first when the store has no calls (npm start)' },
      calls: { ...demoCalls, help: 'calls in the demo account with --demo-if-empty (default 20000)' },
    },
    examples: ['callstats serve --port 8000 --host 0.0.0.0'],
    run: (ctx) => serveUntilSignal(ctx, ctx.values['demo-if-empty'] === true),
  },
  {
    name: 'demo',
    summary: 'load a demo account into an empty store and serve it',
    synopsis: '',
    flags: { ...listen, calls: demoCalls },
    examples: ['callstats demo --calls 100000'],
    run: (ctx) => serveUntilSignal(ctx, true),
  },
];
