import type { Metrics } from '../core/metrics.js';
import type { KazooEventOptions } from '../ingest/kazoo-event.js';
import type { Store } from '../store/store.js';
import { AmqpBatcher, type AmqpFeedStats, type FeedSession } from './amqp-batcher.js';
import { AmqpConnection } from './amqp-connection.js';

// The feed's public face: the batcher (amqp-batcher.ts) and the connection loop (amqp-connection.ts) are its parts.
export { CALLEVT_EXCHANGE, CHANNEL_DESTROY_BINDING } from './amqp-connection.js';
export { REASON_HEADER, type AmqpFeedStats } from './amqp-batcher.js';

export const DEFAULT_QUEUE = 'callstats.cdr';
export const DEFAULT_BATCH_SIZE = 1000;
export const DEFAULT_BATCH_MS = 200;

export interface AmqpFeedOptions {
  url: string;
  store: Pick<Store, 'insertCalls'>;
  zoneOf: (number: string | null) => number | null;
  /** Durable queue of our own (`CALLSTATS_AMQP_QUEUE`, default `callstats.cdr`); its dead letters go to `<queue>.dead`. */
  queue?: string;
  /**
   * `classic` (default) or `quorum` (`CALLSTATS_AMQP_QUEUE_TYPE`). Kazoo publishes transient
   * messages, which a classic queue loses when RabbitMQ restarts; a quorum queue keeps every
   * message on disk whatever its delivery mode. The type of an existing queue cannot change.
   */
  queueType?: 'classic' | 'quorum';
  /** Messages per committed batch (default 1000). */
  batchSize?: number;
  /** Longest a message waits for its batch to fill before the batch is committed anyway (default 200 ms). */
  batchMs?: number;
  /** Unacked messages RabbitMQ may hand us (default 2 × batchSize): bounds memory. */
  prefetch?: number;
  /** First and longest wait between reconnect attempts (default 500 ms, 30 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Seconds between progress log lines (default 10; 0 = none). */
  logEverySeconds?: number;
  log?: (line: string) => void;
  event?: KazooEventOptions;
  /** `serve`'s metrics: committed batches count into `callstats_ingest_records_total{source="amqp"}`. */
  metrics?: Metrics;
}

export interface AmqpFeed {
  readonly stats: AmqpFeedStats;
  /** Resolves once the first connection is consuming (or rejects if `stop()` came first). */
  ready: Promise<void>;
  /** Commits the batch being collected, acks it, and closes the connection. */
  stop(): Promise<void>;
}

/**
 * Consumes Kazoo's CHANNEL_DESTROY events from `callevt` on a durable queue and stores them.
 *
 * - A message is acked only after its batch is committed (and, for a bad record, after its copy
 *   is confirmed in the dead-letter queue): see AmqpBatcher.
 * - The connection is re-made with backoff whenever it is lost, re-declaring Kazoo's non-durable
 *   exchange: see AmqpConnection.
 * - A store failure keeps the batch and retries it with backoff; the messages stay unacked.
 */
export function startAmqpFeed(opts: AmqpFeedOptions): AmqpFeed {
  const queue = opts.queue ?? DEFAULT_QUEUE;
  const deadQueue = `${queue}.dead`;
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  const prefetch = opts.prefetch ?? batchSize * 2;
  const minWait = opts.reconnectMinMs ?? 500;
  const maxWait = opts.reconnectMaxMs ?? 30_000;
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  /** Cuts every pending wait short (on stop). */
  const wakers = new Set<() => void>();
  const session: FeedSession = {
    stats: {
      received: 0,
      stored: 0,
      duplicates: 0,
      skipped: 0,
      deadLettered: 0,
      batches: 0,
      reconnects: 0,
      connected: false,
      queueDepth: null,
      lagSeconds: null,
    },
    stopping: false,
    generation: 0,
    channel: undefined,
    log,
    sleep: (ms) =>
      new Promise((resolve) => {
        const t = setTimeout(done, ms);
        function done(): void {
          clearTimeout(t);
          wakers.delete(done);
          resolve();
        }
        wakers.add(done);
      }),
  };
  const { stats } = session;
  const batcher = new AmqpBatcher(session, {
    store: opts.store,
    zoneOf: opts.zoneOf,
    deadQueue,
    batchSize,
    batchMs: opts.batchMs ?? DEFAULT_BATCH_MS,
    minWait,
    maxWait,
    event: opts.event,
    metrics: opts.metrics,
  });
  let resolveReady!: () => void;
  const ready = new Promise<void>((res) => (resolveReady = res));
  const connection = new AmqpConnection(session, batcher, {
    url: opts.url,
    queue,
    deadQueue,
    queueType: opts.queueType ?? 'classic',
    prefetch,
    minWait,
    maxWait,
    onFirstConsume: () => resolveReady(),
  });
  const settled = Promise.race([ready.then(() => true), connection.running]).then((connected) => {
    if (!connected) throw new Error('stopped before the first connection');
  });
  settled.catch(() => undefined);

  let reporter: NodeJS.Timeout | undefined;
  const every = opts.logEverySeconds ?? 10;
  const report = async (): Promise<void> => {
    const ch = session.channel;
    if (ch) {
      try {
        stats.queueDepth = (await ch.checkQueue(queue)).messageCount;
      } catch {
        stats.queueDepth = null;
      }
    }
    log(
      `amqp: ${stats.received} received, ${stats.stored} stored, ${stats.duplicates} duplicate, ${stats.skipped} skipped, ` +
        `${stats.deadLettered} dead-lettered; queue depth ${stats.queueDepth ?? '?'}, lag ${stats.lagSeconds ?? '?'} s`,
    );
  };
  if (every > 0) {
    reporter = setInterval(() => void report(), every * 1000);
    reporter.unref();
  }

  let stopped: Promise<void> | undefined;
  return {
    stats,
    ready: settled,
    stop() {
      return (stopped ??= stopFeed());
    },
  };

  async function stopFeed(): Promise<void> {
    // Commit and ack what has arrived, then leave: RabbitMQ keeps the rest for the next start.
    batcher.cancelTimer();
    const ch = session.channel;
    if (ch && connection.consumerTag !== undefined) {
      try {
        await ch.cancel(connection.consumerTag);
      } catch {
        // cancelled below by closing
      }
    }
    // One attempt at the batch in hand: a store that is down must not hold the shutdown (unacked, it is redelivered).
    session.stopping = true;
    for (const w of [...wakers]) w();
    await batcher.flush();
    if (reporter) clearInterval(reporter);
    try {
      await connection.conn?.close();
    } catch {
      // already closed
    }
    await connection.running;
  }
}
