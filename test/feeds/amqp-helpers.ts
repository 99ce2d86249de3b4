import amqp from 'amqplib';
import { CALLEVT_EXCHANGE } from '../../src/feeds/amqp-feed.js';
import { kazoo322ChannelDestroy, kazoo43ChannelDestroy, routingKey } from './fixtures/kazoo-events.js';

/** Account ids of the form Kazoo uses (32 lowercase hex). */
export function accountId(i: number): string {
  return i.toString(16).padStart(32, 'a');
}

/** `count` CHANNEL_DESTROY events over `accounts` accounts, alternating 3.22 and 4.3 shapes. */
export function events(count: number, accounts: number, prefix: string, hangupUnix = 1_700_000_000): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const spec = {
      accountId: accountId(i % accounts),
      callId: `${prefix}-${i}`,
      hangupUnix: hangupUnix + i,
      duration: 10 + (i % 50),
      billing: i % 7 === 0 ? 0 : 5 + (i % 40),
    };
    return i % 2 === 0 ? kazoo322ChannelDestroy(spec) : kazoo43ChannelDestroy(spec);
  });
}

/**
 * Publishes like Kazoo: to the non-durable `callevt` topic exchange (declared as Kazoo declares
 * it), routing key from the body, transient messages (no delivery_mode), with publisher confirms
 * so the test knows RabbitMQ has them.
 */
export async function publish(
  url: string,
  bodies: (Record<string, unknown> | Buffer)[],
  key?: (b: Record<string, unknown>) => string,
): Promise<void> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange(CALLEVT_EXCHANGE, 'topic', { durable: false, autoDelete: false });
    let n = 0;
    for (const b of bodies) {
      if (Buffer.isBuffer(b)) ch.publish(CALLEVT_EXCHANGE, 'call.CHANNEL_DESTROY.garbled', b, { contentType: 'application/json' });
      else ch.publish(CALLEVT_EXCHANGE, (key ?? routingKey)(b), Buffer.from(JSON.stringify(b)), { contentType: 'application/json' });
      if (++n % 2000 === 0) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
  } finally {
    await conn.close();
  }
}

/** Messages ready in a queue. */
export async function queueDepth(url: string, queue: string): Promise<number> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createChannel();
    return (await ch.checkQueue(queue)).messageCount;
  } finally {
    await conn.close();
  }
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await cond())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
