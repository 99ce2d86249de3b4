import { startAmqpFeed, DEFAULT_QUEUE, type AmqpFeedStats } from '../feeds/amqp-feed.js';
import type { Store } from '../store/store.js';

export interface ListenOptions {
  store: Pick<Store, 'insertCalls'>;
  zones: { zoneOf: (number: string | null) => number | null };
  /** AMQP URL of Kazoo's RabbitMQ (`--amqp` or `CALLSTATS_AMQP_URL`). */
  url: string;
  /** `--queue` or `CALLSTATS_AMQP_QUEUE`; default `callstats.cdr`. */
  queue?: string;
  /** `--queue-type` or `CALLSTATS_AMQP_QUEUE_TYPE`: `classic` (default) or `quorum`. */
  queueType?: 'classic' | 'quorum';
  batchSize?: number;
  batchMs?: number;
  prefetch?: number;
  logEverySeconds?: number;
  /** Aborting it stops the consumer cleanly; by default SIGTERM and SIGINT do. */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** `callstats listen --amqp URL`: consumes CHANNEL_DESTROY events until stopped; 0 on a clean stop. */
export async function runListen(opts: ListenOptions): Promise<{ code: number; stats: AmqpFeedStats }> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const feed = startAmqpFeed({
    url: opts.url,
    queue: opts.queue ?? DEFAULT_QUEUE,
    store: opts.store,
    zoneOf: opts.zones.zoneOf,
    queueType: opts.queueType ?? 'classic',
    batchSize: opts.batchSize,
    batchMs: opts.batchMs,
    prefetch: opts.prefetch,
    logEverySeconds: opts.logEverySeconds,
    log,
  });
  await new Promise<void>((resolve) => {
    if (opts.signal) {
      if (opts.signal.aborted) resolve();
      else opts.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const onSignal = (): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  log('amqp: stopping: committing the batch in hand');
  await feed.stop();
  const s = feed.stats;
  log(
    `amqp: stopped: ${s.received} received, ${s.stored} stored, ${s.duplicates} duplicate, ${s.skipped} skipped, ${s.deadLettered} dead-lettered`,
  );
  return { code: 0, stats: s };
}
