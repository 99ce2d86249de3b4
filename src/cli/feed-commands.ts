import { ZoneService } from '../zones/zone-service.js';
import { parseStoreLocation } from '../store/open-store.js';
import { runListen } from './listen.js';
import { runPull } from './pull.js';
import { usage } from './output.js';
import { positive, str, withStore, type Command } from './command.js';

/** The long-running inputs: Kazoo's RabbitMQ bus and crossbar backfill. */
export const FEED_COMMANDS: readonly Command[] = [
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
      descendants: { type: 'boolean', help: 'also pull every sub-account, each under its own id, and record its parent' },
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
];
