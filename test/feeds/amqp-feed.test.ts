import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import { CALLEVT_EXCHANGE, REASON_HEADER, startAmqpFeed, type AmqpFeed } from '../../src/feeds/amqp-feed.js';
import { freshStore } from '../helpers/store.js';
import { startRabbitMq, type RabbitMqServer } from '../helpers/rabbitmq-server.js';
import { accountId, events, publish, queueDepth, waitFor } from './amqp-helpers.js';

let rabbit: RabbitMqServer;
let db: Awaited<ReturnType<typeof freshStore>>;
const logs: string[] = [];

before(async () => {
  [rabbit, db] = await Promise.all([startRabbitMq(), freshStore()]);
});
after(async () => {
  await Promise.all([rabbit?.stop(), db?.cleanup()]);
});

function feed(queue: string, extra: Partial<Parameters<typeof startAmqpFeed>[0]> = {}): AmqpFeed {
  return startAmqpFeed({
    url: rabbit.url,
    queue,
    store: db.store,
    zoneOf: db.zones.zoneOf,
    logEverySeconds: 0,
    log: (l) => logs.push(l),
    ...extra,
  });
}

async function countFor(prefixAccounts: number): Promise<number[]> {
  const counts: number[] = [];
  for (let a = 0; a < prefixAccounts; a++) counts.push(await db.store.countCalls(accountId(a)));
  return counts;
}

test('20,000 events for 40 accounts, with duplicates, other events and malformed bodies: each call stored once, bad ones dead-lettered with a reason', async () => {
  const f = feed('t1.cdr');
  await f.ready;
  const good = events(20_000, 40, 't1');
  const dupes = good.slice(0, 3_000);
  const others = good.slice(0, 500).map((e) => ({ ...e, 'Event-Name': 'CHANNEL_ANSWER' }));
  const malformed = [Buffer.from('{"Event-Name":"CHANNEL_DESTROY",'), Buffer.from('"just a string"')];
  const noCallId = [{ ...good[0], 'Call-ID': undefined, 'Origination-Call-ID': 'x' }];
  // Other events on their own routing keys never reach our queue; on a CHANNEL_DESTROY key they are skipped by body.
  await publish(rabbit.url, others, (e) => `call.CHANNEL_ANSWER.${String(e['Call-ID'])}`);
  await publish(rabbit.url, [...good.slice(0, 10_000), ...malformed, ...dupes, ...noCallId, ...good.slice(10_000)]);
  await publish(rabbit.url, others.slice(0, 100), () => 'call.CHANNEL_DESTROY.other');
  const expectedReceived = 20_000 + 3_000 + 2 + 1 + 100;
  await waitFor(
    'all messages handled',
    () => f.stats.received === expectedReceived && f.stats.batches > 0 && f.stats.deadLettered === 3,
    60_000,
  );
  await waitFor('queue drained', async () => (await queueDepth(rabbit.url, 't1.cdr')) === 0);
  await f.stop();

  assert.equal(await db.store.countCalls(), 20_000);
  assert.deepEqual(await countFor(40), Array(40).fill(500));
  assert.equal(f.stats.stored, 20_000);
  assert.equal(f.stats.duplicates, 3_000);
  assert.equal(f.stats.skipped, 100);
  assert.equal(f.stats.deadLettered, 3);

  const conn = await amqp.connect(rabbit.url);
  const ch = await conn.createChannel();
  const reasons: string[] = [];
  for (let m = await ch.get('t1.cdr.dead'); m !== false; m = await ch.get('t1.cdr.dead')) {
    reasons.push(String(m.properties.headers?.[REASON_HEADER]));
    assert.equal(m.properties.deliveryMode, 2);
  }
  await conn.close();
  assert.equal(reasons.length, 3);
  assert.match(reasons[0], /^body: invalid JSON: /);
  assert.deepEqual(reasons.slice(1), ["body: not a JSON object: 'just a string'", 'call_id: missing']);
});

test('events published while the consumer is stopped wait in its durable queue and are counted after it starts', async () => {
  const first = feed('t2.cdr');
  await first.ready; // declares and binds the queue
  await first.stop();
  const evs = events(5_000, 10, 't2');
  await publish(rabbit.url, evs);
  assert.equal(await queueDepth(rabbit.url, 't2.cdr'), 5_000);
  const second = feed('t2.cdr');
  await waitFor('backlog stored', () => second.stats.stored === 5_000, 60_000);
  await second.stop();
  assert.equal(await queueDepth(rabbit.url, 't2.cdr'), 0);
});

test("callevt is Kazoo's non-durable exchange: declaring it durable is refused with 406", async () => {
  const conn = await amqp.connect(rabbit.url);
  const ch = await conn.createChannel();
  ch.on('error', () => undefined);
  await ch.assertExchange(CALLEVT_EXCHANGE, 'topic', { durable: false });
  await assert.rejects(ch.assertExchange(CALLEVT_EXCHANGE, 'topic', { durable: true }), /406 \(PRECONDITION-FAILED\)/);
  await conn.close();
});

test('a RabbitMQ stop/start mid-stream: the consumer reconnects, re-declares callevt and re-binds, and the count is exact', async () => {
  const f = feed('t3.cdr', { reconnectMinMs: 200, reconnectMaxMs: 1_000 });
  await f.ready;
  const evs = events(10_000, 20, 't3');
  await publish(rabbit.url, evs.slice(0, 5_000));
  await waitFor('first half stored', () => f.stats.stored === 5_000, 60_000);
  await rabbit.terminate();
  await rabbit.start();
  // The restart deleted callevt and every binding; the consumer must bring both back itself.
  await waitFor('reconnected', () => f.stats.reconnects >= 1 && f.stats.connected, 60_000);
  await publish(rabbit.url, evs.slice(4_000)); // 1,000 re-sent across the restart
  await waitFor('second half stored', () => f.stats.stored === 10_000 && f.stats.duplicates === 1_000, 60_000);
  await f.stop();
  const stored = await db.store.countCalls();
  assert.equal(stored, 20_000 + 5_000 + 10_000);
  assert.ok(logs.some((l) => l.startsWith('amqp: connection lost')));
});
