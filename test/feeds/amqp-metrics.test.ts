import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAmqpFeed } from '../../src/feeds/amqp-feed.js';
import { Metrics } from '../../src/core/metrics.js';
import { freshStore } from '../helpers/store.js';
import { startRabbitMq, type RabbitMqServer } from '../helpers/rabbitmq-server.js';
import { events, publish, queueDepth, waitFor } from './amqp-helpers.js';

let rabbit: RabbitMqServer;
let db: Awaited<ReturnType<typeof freshStore>>;

before(async () => {
  [rabbit, db] = await Promise.all([startRabbitMq(), freshStore()]);
});
after(async () => {
  await Promise.all([rabbit?.stop(), db?.cleanup()]);
});

/** One sample's value from the exposition text (0 when absent). */
function sample(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.split(' ').pop());
}

test('the AMQP feed counts what its committed batches held into callstats_ingest_records_total{source="amqp"} and exports its gauges', async () => {
  const metrics = new Metrics({ defaults: false });
  const feed = startAmqpFeed({
    url: rabbit.url,
    queue: 'm1.cdr',
    store: db.store,
    zoneOf: db.zones.zoneOf,
    logEverySeconds: 0,
    log: () => undefined,
    metrics,
  });
  metrics.watchFeed(() => feed.stats);
  await feed.ready;
  const good = events(50, 5, 'm1');
  const other = good.slice(0, 4).map((e) => ({ ...e, 'Event-Name': 'CHANNEL_ANSWER' }));
  await publish(rabbit.url, [...good, ...good.slice(0, 10), Buffer.from('{"Event-Name":'), Buffer.from('[]')]);
  await publish(rabbit.url, other, () => 'call.CHANNEL_DESTROY.other');
  await waitFor('every message handled', () => feed.stats.received === 66 && feed.stats.deadLettered === 2, 30_000);
  await waitFor('queue drained', async () => (await queueDepth(rabbit.url, 'm1.cdr')) === 0);
  const text = await metrics.text();
  const ingest = (outcome: string) => sample(text, `callstats_ingest_records_total{outcome="${outcome}",source="amqp"}`);
  assert.deepEqual(['accepted', 'duplicate', 'rejected', 'skipped'].map(ingest), [50, 10, 2, 4]);
  assert.equal(sample(text, 'callstats_amqp_connected'), 1);
  assert.equal(sample(text, 'callstats_amqp_batches_total'), feed.stats.batches);
  assert.equal(sample(text, 'callstats_amqp_reconnects_total'), 0);
  await feed.stop();
  assert.equal(sample(await metrics.text(), 'callstats_amqp_connected'), 0);
});
