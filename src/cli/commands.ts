import type { Config } from '../core/config.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { InputFormat } from '../ingest/index.js';
import { runCompact } from './compact.js';
import { runImport } from './import.js';
import { runKeys, runWebhooks } from './keys.js';
import { runListen } from './listen.js';
import { runPull } from './pull.js';
import { ZoneService } from '../zones/zone-service.js';
import { parseStoreLocation } from '../store/open-store.js';
import { runMigrate } from './migrate.js';
import { usage } from './output.js';
import { queryCommand } from './query.js';
import { runServe } from './serve.js';
import { runZones } from './zones.js';

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

/** Flags every command takes. */
export const GLOBAL_FLAGS: Record<string, Flag> = {
  store: {
    type: 'string',
    value: 'STORE',
    help: 'duckdb:PATH, clickhouse://HOST:PORT/DB[?cluster=NAME] or chdb:DIR (default CALLSTATS_STORE, else duckdb:./data/callstats.duckdb)',
  },
  json: { type: 'boolean', help: 'machine-readable output (JSON on stdout)' },
  help: { type: 'boolean', short: 'h', help: "this command's help" },
  version: { type: 'boolean', help: "print callstats's version" },
};

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** Runs `fn` on the configured store (or the running server's, see docs/architecture.md) and closes it. */
async function withStore(config: Config, fn: (store: Store) => Promise<number>): Promise<number> {
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

/** Every command, in the order the global help lists them. */
export const COMMANDS: readonly Command[] = [
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
    name: 'import',
    summary: "store Kazoo CDRs from files: JSON, CouchDB dump, crossbar, NDJSON or CSV ('-' = stdin)",
    synopsis: '[--account ID] FILE...',
    flags: {
      account: { type: 'string', value: 'ID', help: "account of records that do not name one (else the CDR's own account_id)" },
      format: { type: 'string', value: 'F', help: 'auto (default: from the name and content), json, ndjson or csv' },
      'batch-size': {
        type: 'string',
        value: 'N',
        help: "calls per transaction (default: the store's, 100000 for DuckDB and ClickHouse, 50000 through a running server)",
      },
    },
    examples: [
      'callstats import --account 4f1a0c2e9b7d4e5f8a6b3c2d1e0f9a8b cdrs.json',
      'zcat cdrs.ndjson.gz | callstats import --format ndjson -',
    ],
    run: ({ config, values, args, json }) =>
      withStore(config, (store) =>
        runImport({
          store,
          files: args,
          account: str(values.account),
          format: str(values.format) as InputFormat | undefined,
          defaultCountry: config.defaultCountry,
          json,
          batchSize: values['batch-size'] ? Number(values['batch-size']) : undefined,
          workers: config.importWorkers,
        }),
      ),
  },
  {
    name: 'query',
    summary: "one account's statistics, or its records as CSV or JSON, as the API answers them",
    synopsis: '--account ID PERIOD|csv|json',
    flags: {
      account: { type: 'string', value: 'ID', help: 'the account asked about (required)' },
      q: { type: 'string', value: 'JSON', help: 'the query: filters, grouping, timezone, metrics (docs/api.md)' },
      'page-size': { type: 'string', value: 'N', help: 'json: records per page, 1 to 10000 (default 100)' },
      'start-key': { type: 'string', value: 'K', help: "json: the previous page's next_start_key" },
    },
    examples: [
      'callstats query --account 4f1a0c2e9b7d4e5f8a6b3c2d1e0f9a8b daily --q \'{"timezone": "Pacific/Auckland", "grouping": "call_direction"}\'',
      'callstats query --account 4f1a0c2e9b7d4e5f8a6b3c2d1e0f9a8b csv --q \'{"filters": [{"name": "unanswered", "op": "eq", "val": true}]}\' > missed.csv',
    ],
    run: queryCommand,
  },
  {
    name: 'zones',
    summary: 'import a rate deck, export the zone table, re-zone stored calls, rebuild the default zones',
    synopsis: 'import FILE | export | rezone | rebuild',
    flags: { extend: { type: 'boolean', help: 'import: add to the zone table instead of replacing it' } },
    examples: ['callstats zones import --extend deck.csv && callstats zones rezone', 'callstats zones export > zones.csv'],
    run: ({ config, values, args, json }) =>
      withStore(config, (store) =>
        runZones(store, args[0] ?? '', { file: args[1], extend: values.extend === true, defaultCountry: config.defaultCountry, json }),
      ),
  },
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
  {
    name: 'listen',
    summary: "consume Kazoo's CHANNEL_DESTROY call events from its RabbitMQ bus (all accounts, live)",
    synopsis: '--amqp URL',
    flags: {
      amqp: { type: 'string', value: 'URL', help: "Kazoo's RabbitMQ, amqp://USER:PASS@HOST:5672 (default CALLSTATS_AMQP_URL)" },
      queue: {
        type: 'string',
        value: 'NAME',
        help: 'our durable queue; dead letters go to NAME.dead (default CALLSTATS_AMQP_QUEUE, else callstats.cdr)',
      },
      'queue-type': {
        type: 'string',
        value: 'T',
        help: 'classic or quorum; quorum keeps events waiting through a broker restart (default CALLSTATS_AMQP_QUEUE_TYPE, else classic)',
      },
      'batch-size': {
        type: 'string',
        value: 'N',
        help: 'events per committed and acked batch (default 1000; a batch also ends after 200 ms)',
      },
      prefetch: { type: 'string', value: 'N', help: 'unacked events RabbitMQ may hand over at once (default twice the batch size)' },
    },
    examples: [
      'callstats listen --amqp amqp://guest:guest@10.0.0.5:5672',
      'CALLSTATS_AMQP_QUEUE_TYPE=quorum callstats listen --amqp amqp://kazoo:secret@rabbit',
    ],
    run: ({ config, values }) => {
      const url = str(values.amqp) ?? config.amqpUrl;
      if (!url) return Promise.resolve(usage('listen needs --amqp URL (or CALLSTATS_AMQP_URL)'));
      const queueType = str(values['queue-type']) ?? config.amqpQueueType;
      if (queueType !== undefined && queueType !== 'classic' && queueType !== 'quorum') {
        return Promise.resolve(usage(`--queue-type must be classic or quorum, not '${queueType}'`));
      }
      const batchSize = positive(values['batch-size']);
      const prefetch = positive(values.prefetch);
      if (batchSize === null || prefetch === null)
        return Promise.resolve(usage('--batch-size and --prefetch take a positive whole number'));
      return withStore(config, async (store) => {
        const zones = await ZoneService.open(store, config.defaultCountry);
        const { code } = await runListen({
          store,
          zones,
          url,
          queue: str(values.queue) ?? config.amqpQueue,
          queueType,
          batchSize,
          prefetch,
        });
        return code;
      });
    },
  },
  {
    name: 'pull',
    summary: "backfill CDRs from Kazoo's crossbar API (/v2/accounts/ID/cdrs), resumable",
    synopsis: '--kazoo URL --token T --account ID [--descendants] [--from D] [--to D]',
    flags: {
      kazoo: { type: 'string', value: 'URL', help: 'crossbar, e.g. http://kazoo.example.net:8000 (required)' },
      token: { type: 'string', value: 'T', help: 'a crossbar auth token (default CALLSTATS_KAZOO_TOKEN, which keeps it out of ps)' },
      account: { type: 'string', value: 'ID', help: 'the account to pull (required)' },
      descendants: { type: 'boolean', help: "also pull every sub-account (a reseller's customers), each under its own id" },
      from: { type: 'string', value: 'D', help: 'start, a date (UTC) or ISO 8601 time (default 30 days before --to)' },
      to: { type: 'string', value: 'D', help: 'end, exclusive (default now)' },
      state: {
        type: 'string',
        value: 'FILE',
        help: 'where the resume cursors live (default STORE_FILE.pull-state.json beside a DuckDB store)',
      },
      'page-size': { type: 'string', value: 'N', help: 'CDRs per crossbar page (default 500)' },
    },
    examples: [
      'CALLSTATS_KAZOO_TOKEN=$T callstats pull --kazoo http://kazoo:8000 --account 4f1a0c2e9b7d4e5f8a6b3c2d1e0f9a8b --descendants --from 2026-01-01',
    ],
    run: ({ config, values, json }) => {
      const kazoo = str(values.kazoo);
      const token = str(values.token) ?? config.kazooToken;
      const account = str(values.account);
      if (!kazoo || !token || !account)
        return Promise.resolve(usage('pull needs --kazoo URL, --token T (or CALLSTATS_KAZOO_TOKEN) and --account ID'));
      const location = parseStoreLocation(config.store);
      const stateFile =
        str(values.state) ?? (location.kind === 'duckdb' && location.path !== ':memory:' ? `${location.path}.pull-state.json` : undefined);
      if (!stateFile) return Promise.resolve(usage('pull on this store needs --state FILE (where the resume cursors live)'));
      const pageSize = positive(values['page-size']);
      if (pageSize === null) return Promise.resolve(usage('--page-size takes a positive whole number'));
      return withStore(config, async (store) => {
        const zones = await ZoneService.open(store, config.defaultCountry);
        const { code } = await runPull({
          store,
          zones,
          kazoo,
          token,
          account,
          descendants: values.descendants === true,
          from: str(values.from),
          to: str(values.to),
          stateFile,
          pageSize,
          json,
        });
        return code;
      });
    },
  },
  {
    name: 'demo',
    summary: 'load a demo account into an empty store and serve it',
    synopsis: '',
    flags: { ...listen, calls: demoCalls },
    examples: ['callstats demo --calls 100000'],
    run: (ctx) => serveUntilSignal(ctx, true),
  },
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
];

/** A flag's positive whole number; undefined when absent, null when malformed. */
function positive(v: string | boolean | undefined): number | undefined | null {
  if (typeof v !== 'string') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** The command called `name`, if there is one. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
