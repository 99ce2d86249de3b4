import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import type { Call } from '../core/call.js';
import { cdrToCall } from '../ingest/cdr-to-call.js';
import { kazooEventToCdr, type KazooEventOptions } from '../ingest/kazoo-event.js';
import type { Store } from '../store/store.js';

/** Kazoo's call-event exchange: topic, NOT durable, not auto-delete (kz_amqp_util:callevt_exchange/0). */
export const CALLEVT_EXCHANGE = 'callevt';
/** Every CHANNEL_DESTROY whatever its call id (`#` also matches an empty id). */
export const CHANNEL_DESTROY_BINDING = 'call.CHANNEL_DESTROY.#';
export const DEFAULT_QUEUE = 'callstats.cdr';
export const DEFAULT_BATCH_SIZE = 1000;
export const DEFAULT_BATCH_MS = 200;
/** Header on a dead-lettered message that says why it can never be stored. */
export const REASON_HEADER = 'x-callstats-reason';

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
}

/** Counters since start; `lagSeconds` is now minus the hangup of the newest stored call. */
export interface AmqpFeedStats {
  received: number;
  stored: number;
  duplicates: number;
  skipped: number;
  deadLettered: number;
  batches: number;
  reconnects: number;
  connected: boolean;
  queueDepth: number | null;
  lagSeconds: number | null;
}

export interface AmqpFeed {
  readonly stats: AmqpFeedStats;
  /** Resolves once the first connection is consuming (or rejects if `stop()` came first). */
  ready: Promise<void>;
  /** Commits the batch being collected, acks it, and closes the connection. */
  stop(): Promise<void>;
}

type Verdict = { msg: ConsumeMessage; call?: Call; dead?: string };

/**
 * Consumes Kazoo's CHANNEL_DESTROY events from `callevt` on a durable queue and stores them.
 *
 * - A message is acked only after its batch is committed (and, for a bad record, after its copy
 *   is confirmed in the dead-letter queue): a crash before that means redelivery, and the store's
 *   idempotency on (account_id, call_id) keeps counts exact.
 * - :TRICKY: `callevt` is declared non-durable exactly as Kazoo does (declaring it durable fails
 *   with 406 PRECONDITION_FAILED against Kazoo's), so a broker restart deletes it and our binding:
 *   both are re-declared on every (re)connect, before consuming.
 * - A store failure keeps the batch and retries it with backoff; the messages stay unacked.
 */
export function startAmqpFeed(opts: AmqpFeedOptions): AmqpFeed {
  const queue = opts.queue ?? DEFAULT_QUEUE;
  const deadQueue = `${queue}.dead`;
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  const batchMs = opts.batchMs ?? DEFAULT_BATCH_MS;
  const prefetch = opts.prefetch ?? batchSize * 2;
  const minWait = opts.reconnectMinMs ?? 500;
  const maxWait = opts.reconnectMaxMs ?? 30_000;
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const ctx = { zoneOf: opts.zoneOf };
  const stats: AmqpFeedStats = {
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
  };

  let stopping = false;
  let conn: ChannelModel | undefined;
  let channel: ConfirmChannel | undefined;
  let consumerTag: string | undefined;
  /** Bumped on every connection: verdicts of an older channel can no longer be acked. */
  let generation = 0;
  let batch: Verdict[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let newestHangup = 0;
  /** Cuts every pending wait short (on stop). */
  const wakers = new Set<() => void>();
  let resolveReady!: () => void;
  let rejectReady!: (err: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => undefined);

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        wakers.delete(done);
        resolve();
      }
      wakers.add(done);
    });

  const onMessage = (msg: ConsumeMessage | null, gen: number): void => {
    if (msg === null) return; // consumer cancelled by the broker (queue deleted): the connection loop recovers
    if (gen !== generation) return;
    stats.received++;
    const verdict: Verdict = { msg };
    const ev = kazooEventToCdr(msg.content, opts.event);
    if (ev.kind === 'bad') verdict.dead = ev.reason;
    else if (ev.kind === 'skip') stats.skipped++;
    else {
      const converted = cdrToCall(ev.doc, ctx);
      if (converted.ok) verdict.call = converted.call;
      else verdict.dead = converted.reason;
    }
    batch.push(verdict);
    if (batch.length >= batchSize) scheduleFlush(0);
    else if (timer === undefined) scheduleFlush(batchMs);
  };

  const scheduleFlush = (ms: number): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, ms);
  };

  /** Commits the collected batch, then acks it; one flush at a time, in order. */
  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      if (batch.length === 0) return;
      const taken = batch;
      batch = [];
      const gen = generation;
      const ch = channel;
      const calls = taken.filter((v) => v.call !== undefined).map((v) => v.call as Call);
      const stored = await storeWithRetry(calls, gen);
      // Not stored (stopping, or the connection is gone): nothing is acked, RabbitMQ redelivers.
      if (!stored || gen !== generation || ch === undefined) return;
      try {
        for (const v of taken) {
          if (v.dead === undefined) continue;
          ch.sendToQueue(deadQueue, v.msg.content, {
            persistent: true,
            contentType: v.msg.properties.contentType,
            headers: {
              ...(v.msg.properties.headers ?? {}),
              [REASON_HEADER]: v.dead,
              'x-callstats-routing-key': v.msg.fields.routingKey,
              'x-callstats-exchange': v.msg.fields.exchange,
            },
          });
        }
        if (taken.some((v) => v.dead !== undefined)) await ch.waitForConfirms();
        // One ack for the batch: the newest delivery tag with allUpTo covers every older one.
        ch.ack(taken[taken.length - 1].msg, true);
      } catch (err) {
        log(`amqp: ack of a batch failed (${message(err)}); RabbitMQ will redeliver it`);
        return;
      }
      stats.batches++;
      stats.deadLettered += taken.filter((v) => v.dead !== undefined).length;
      for (const v of taken) if (v.dead !== undefined) log(`amqp: dead-lettered to ${deadQueue}: ${v.dead}`);
      for (const c of calls) {
        const hangup = c.call_time + c.duration_seconds;
        if (hangup > newestHangup) newestHangup = hangup;
      }
      if (newestHangup > 0) stats.lagSeconds = Math.max(0, Math.round(Date.now() / 1000 - newestHangup));
    });
    return flushing;
  };

  /** True once the calls are durable; false when it gave up (stopping, or a new connection). */
  const storeWithRetry = async (calls: Call[], gen: number): Promise<boolean> => {
    if (calls.length === 0) return true;
    let wait = minWait;
    for (;;) {
      try {
        const r = await opts.store.insertCalls(calls);
        stats.stored += r.inserted;
        stats.duplicates += r.duplicates;
        return true;
      } catch (err) {
        // Nothing acked: on stop or a lost connection RabbitMQ redelivers these messages.
        if (stopping || gen !== generation) return false;
        log(`amqp: storing a batch of ${calls.length} failed (${message(err)}); retrying in ${wait} ms`);
        await sleep(wait);
        if (stopping || gen !== generation) return false;
        wait = Math.min(maxWait, wait * 2);
      }
    }
  };

  const connectOnce = async (): Promise<ChannelModel> => {
    const c = await amqp.connect(opts.url, { clientProperties: { connection_name: `callstats ${queue}` } });
    const ch = await c.createConfirmChannel();
    await ch.assertExchange(CALLEVT_EXCHANGE, 'topic', { durable: false, autoDelete: false });
    await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': opts.queueType ?? 'classic' } });
    await ch.assertQueue(deadQueue, { durable: true });
    await ch.bindQueue(queue, CALLEVT_EXCHANGE, CHANNEL_DESTROY_BINDING);
    await ch.prefetch(prefetch);
    generation++;
    const gen = generation;
    batch = [];
    channel = ch;
    conn = c;
    consumerTag = (await ch.consume(queue, (m) => onMessage(m, gen), { noAck: false })).consumerTag;
    return c;
  };

  const loop = async (): Promise<void> => {
    let wait = minWait;
    let first = true;
    while (!stopping) {
      let c: ChannelModel;
      try {
        c = await connectOnce();
      } catch (err) {
        if (stopping) break;
        log(`amqp: cannot consume ${queue} at ${redact(opts.url)} (${message(err)}); retrying in ${wait} ms`);
        await sleep(wait);
        wait = Math.min(maxWait, wait * 2);
        continue;
      }
      wait = minWait;
      stats.connected = true;
      if (!first) stats.reconnects++;
      log(`amqp: consuming ${queue} (bound to ${CALLEVT_EXCHANGE} ${CHANNEL_DESTROY_BINDING}, prefetch ${prefetch})`);
      if (first) resolveReady();
      first = false;
      const closed = new Promise<string>((resolve) => {
        c.once('close', (err?: Error) => resolve(err ? message(err) : 'closed'));
        c.on('error', () => undefined);
        channel?.once('close', () => resolve('channel closed'));
        channel?.on('error', () => undefined);
      });
      const why = await closed;
      stats.connected = false;
      generation++; // whatever is collected or unacked now comes back from RabbitMQ
      batch = [];
      channel = undefined;
      if (stopping) break;
      log(`amqp: connection lost (${why}); reconnecting`);
      try {
        await c.close();
      } catch {
        // already closed
      }
      await sleep(wait);
    }
    if (first) rejectReady(new Error('stopped before the first connection'));
  };

  let reporter: NodeJS.Timeout | undefined;
  const every = opts.logEverySeconds ?? 10;
  if (every > 0) {
    reporter = setInterval(() => void report(), every * 1000);
    reporter.unref();
  }
  const report = async (): Promise<void> => {
    const ch = channel;
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

  const running = loop();
  let stopped: Promise<void> | undefined;

  return {
    stats,
    ready,
    stop() {
      return (stopped ??= stopFeed());
    },
  };

  async function stopFeed(): Promise<void> {
    // Commit and ack what has arrived, then leave: RabbitMQ keeps the rest for the next start.
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const ch = channel;
    if (ch && consumerTag !== undefined) {
      try {
        await ch.cancel(consumerTag);
      } catch {
        // cancelled below by closing
      }
    }
    // One attempt at the batch in hand: a store that is down must not hold the shutdown (unacked, it is redelivered).
    stopping = true;
    for (const w of [...wakers]) w();
    await flush();
    if (reporter) clearInterval(reporter);
    try {
      await conn?.close();
    } catch {
      // already closed
    }
    await running;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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
