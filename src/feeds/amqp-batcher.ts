import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Call } from '../core/call.js';
import type { Metrics } from '../core/metrics.js';
import { cdrToCall } from '../ingest/cdr-to-call.js';
import { kazooEventToCdr, type KazooEventOptions } from '../ingest/kazoo-event.js';
import type { Store } from '../store/store.js';

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

/** Header on a dead-lettered message that says why it can never be stored. */
export const REASON_HEADER = 'x-callstats-reason';

/**
 * What the batcher and the connection loop share: the channel being consumed, its generation
 * (bumped on every connection: verdicts of an older channel can no longer be acked), whether the
 * feed is stopping, and waits that `stop()` cuts short.
 */
export interface FeedSession {
  readonly stats: AmqpFeedStats;
  stopping: boolean;
  generation: number;
  channel: ConfirmChannel | undefined;
  sleep(ms: number): Promise<void>;
  log(line: string): void;
}

export interface BatcherOptions {
  store: Pick<Store, 'insertCalls'>;
  zoneOf: (number: string | null) => number | null;
  deadQueue: string;
  batchSize: number;
  batchMs: number;
  /** First and longest wait between attempts to store a batch while the store fails. */
  minWait: number;
  maxWait: number;
  event?: KazooEventOptions;
  metrics?: Metrics;
}

type Verdict = { msg: ConsumeMessage; call?: Call; dead?: string; skip?: boolean };

/**
 * Collects consumed messages into batches and commits each: the good calls are stored (retried with
 * backoff while the store fails), the bad records are copied to the dead-letter queue and confirmed,
 * and only then is the batch acked, with one `ack(allUpTo)`. A crash before that means redelivery,
 * and the store's idempotency on (account_id, call_id) keeps the counts exact.
 */
export class AmqpBatcher {
  private batch: Verdict[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private newestHangup = 0;

  constructor(
    private readonly session: FeedSession,
    private readonly opts: BatcherOptions,
  ) {}

  /** One delivery of channel generation `gen`; ignored when that channel is gone. */
  onMessage(msg: ConsumeMessage | null, gen: number): void {
    if (msg === null) return; // consumer cancelled by the broker (queue deleted): the connection loop recovers
    const { session } = this;
    if (gen !== session.generation) return;
    session.stats.received++;
    const verdict: Verdict = { msg };
    const ev = kazooEventToCdr(msg.content, this.opts.event);
    if (ev.kind === 'bad') verdict.dead = ev.reason;
    else if (ev.kind === 'skip') {
      verdict.skip = true;
      session.stats.skipped++;
    } else {
      const converted = cdrToCall(ev.doc, { zoneOf: this.opts.zoneOf });
      if (converted.ok) verdict.call = converted.call;
      else verdict.dead = converted.reason;
    }
    this.batch.push(verdict);
    if (this.batch.length >= this.opts.batchSize) this.schedule(0);
    else if (this.timer === undefined) this.schedule(this.opts.batchMs);
  }

  /** Forgets what was collected: its channel is gone, so RabbitMQ redelivers it. */
  drop(): void {
    this.batch = [];
  }

  /** Stops the pending batch timer (on stop; `flush()` then commits what is in hand). */
  cancelTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  /** Commits the collected batch, then acks it; one flush at a time, in order. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.commit());
    return this.flushing;
  }

  private async commit(): Promise<void> {
    if (this.batch.length === 0) return;
    const { session, opts } = this;
    const taken = this.batch;
    this.batch = [];
    const gen = session.generation;
    const ch = session.channel;
    const calls = taken.filter((v) => v.call !== undefined).map((v) => v.call as Call);
    const stored = await this.storeWithRetry(calls, gen);
    // Not stored (stopping, or the connection is gone): nothing is acked, RabbitMQ redelivers.
    if (!stored || gen !== session.generation || ch === undefined) return;
    const dead = taken.filter((v) => v.dead !== undefined);
    try {
      for (const v of dead) {
        ch.sendToQueue(opts.deadQueue, v.msg.content, {
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
      if (dead.length > 0) await ch.waitForConfirms();
      // One ack for the batch: the newest delivery tag with allUpTo covers every older one.
      ch.ack(taken[taken.length - 1].msg, true);
    } catch (err) {
      session.log(`amqp: ack of a batch failed (${message(err)}); RabbitMQ will redeliver it`);
      return;
    }
    session.stats.batches++;
    session.stats.deadLettered += dead.length;
    opts.metrics?.ingested('amqp', {
      accepted: stored.inserted,
      duplicates: stored.duplicates,
      rejected: dead.length,
      skipped: taken.filter((v) => v.skip).length,
    });
    for (const v of dead) session.log(`amqp: dead-lettered to ${opts.deadQueue}: ${v.dead}`);
    for (const c of calls) {
      const hangup = c.call_time + c.duration_seconds;
      if (hangup > this.newestHangup) this.newestHangup = hangup;
    }
    if (this.newestHangup > 0) session.stats.lagSeconds = Math.max(0, Math.round(Date.now() / 1000 - this.newestHangup));
  }

  /** What storing did once the calls are durable; undefined when it gave up (stopping, or a new connection). */
  private async storeWithRetry(calls: Call[], gen: number): Promise<{ inserted: number; duplicates: number } | undefined> {
    if (calls.length === 0) return { inserted: 0, duplicates: 0 };
    const { session, opts } = this;
    let wait = opts.minWait;
    for (;;) {
      try {
        const r = await opts.store.insertCalls(calls);
        session.stats.stored += r.inserted;
        session.stats.duplicates += r.duplicates;
        return r;
      } catch (err) {
        // Nothing acked: on stop or a lost connection RabbitMQ redelivers these messages.
        if (session.stopping || gen !== session.generation) return undefined;
        session.log(`amqp: storing a batch of ${calls.length} failed (${message(err)}); retrying in ${wait} ms`);
        await session.sleep(wait);
        if (session.stopping || gen !== session.generation) return undefined;
        wait = Math.min(opts.maxWait, wait * 2);
      }
    }
  }
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
