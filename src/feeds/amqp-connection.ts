import amqp, { type ChannelModel } from 'amqplib';
import { message, type AmqpBatcher, type FeedSession } from './amqp-batcher.js';

/** Kazoo's call-event exchange: topic, NOT durable, not auto-delete (kz_amqp_util:callevt_exchange/0). */
export const CALLEVT_EXCHANGE = 'callevt';
/** Every CHANNEL_DESTROY whatever its call id (`#` also matches an empty id). */
export const CHANNEL_DESTROY_BINDING = 'call.CHANNEL_DESTROY.#';

export interface ConnectionOptions {
  url: string;
  queue: string;
  deadQueue: string;
  queueType: 'classic' | 'quorum';
  prefetch: number;
  /** First and longest wait between reconnect attempts. */
  minWait: number;
  maxWait: number;
  /** Called once, when the first connection is consuming. */
  onFirstConsume(): void;
}

/**
 * Connects, declares the topology and consumes into `batcher`, and reconnects with backoff until
 * `session.stopping`. :TRICKY: `callevt` is declared non-durable exactly as Kazoo does (declaring
 * it durable fails with 406 PRECONDITION_FAILED against Kazoo's), so a broker restart deletes it
 * and our binding: both are re-declared on every (re)connect, before consuming.
 */
export class AmqpConnection {
  /** The live connection and its consumer, for `stop()`. */
  conn: ChannelModel | undefined;
  consumerTag: string | undefined;
  /** Resolves when the loop has ended; true when a connection was ever made. */
  readonly running: Promise<boolean>;

  constructor(
    private readonly session: FeedSession,
    private readonly batcher: AmqpBatcher,
    private readonly opts: ConnectionOptions,
  ) {
    this.running = this.loop();
  }

  private async connectOnce(): Promise<ChannelModel> {
    const { opts, session } = this;
    const c = await amqp.connect(opts.url, { clientProperties: { connection_name: `callstats ${opts.queue}` } });
    const ch = await c.createConfirmChannel();
    await ch.assertExchange(CALLEVT_EXCHANGE, 'topic', { durable: false, autoDelete: false });
    await ch.assertQueue(opts.queue, { durable: true, arguments: { 'x-queue-type': opts.queueType } });
    await ch.assertQueue(opts.deadQueue, { durable: true });
    await ch.bindQueue(opts.queue, CALLEVT_EXCHANGE, CHANNEL_DESTROY_BINDING);
    await ch.prefetch(opts.prefetch);
    session.generation++;
    const gen = session.generation;
    this.batcher.drop();
    session.channel = ch;
    this.conn = c;
    this.consumerTag = (await ch.consume(opts.queue, (m) => this.batcher.onMessage(m, gen), { noAck: false })).consumerTag;
    return c;
  }

  private async loop(): Promise<boolean> {
    const { opts, session } = this;
    let wait = opts.minWait;
    let first = true;
    while (!session.stopping) {
      let c: ChannelModel;
      try {
        c = await this.connectOnce();
      } catch (err) {
        if (session.stopping) break;
        session.log(`amqp: cannot consume ${opts.queue} at ${redact(opts.url)} (${message(err)}); retrying in ${wait} ms`);
        await session.sleep(wait);
        wait = Math.min(opts.maxWait, wait * 2);
        continue;
      }
      wait = opts.minWait;
      session.stats.connected = true;
      if (!first) session.stats.reconnects++;
      session.log(`amqp: consuming ${opts.queue} (bound to ${CALLEVT_EXCHANGE} ${CHANNEL_DESTROY_BINDING}, prefetch ${opts.prefetch})`);
      if (first) opts.onFirstConsume();
      first = false;
      const channel = session.channel;
      const why = await new Promise<string>((resolve) => {
        c.once('close', (err?: Error) => resolve(err ? message(err) : 'closed'));
        c.on('error', () => undefined);
        channel?.once('close', () => resolve('channel closed'));
        channel?.on('error', () => undefined);
      });
      session.stats.connected = false;
      session.generation++; // whatever is collected or unacked now comes back from RabbitMQ
      this.batcher.drop();
      session.channel = undefined;
      if (session.stopping) break;
      session.log(`amqp: connection lost (${why}); reconnecting`);
      try {
        await c.close();
      } catch {
        // already closed
      }
      await session.sleep(wait);
    }
    return !first;
  }
}

/** The URL without its password, for log lines. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'amqp URL';
  }
}
