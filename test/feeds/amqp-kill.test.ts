import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { startAmqpFeed } from '../../src/feeds/amqp-feed.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { freshStore } from '../helpers/store.js';
import { startRabbitMq, type RabbitMqServer } from '../helpers/rabbitmq-server.js';
import { events, publish, queueDepth, waitFor } from './amqp-helpers.js';

let rabbit: RabbitMqServer;
before(async () => {
  rabbit = await startRabbitMq();
});
/** Every listener spawned: a failed test must not leave one running, or this file never ends. */
const children = new Set<ChildProcess>();
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rabbit?.stop();
});

/** A `listen` child process on the store file; resolves once it consumes. */
async function listener(path: string, queue: string): Promise<{ child: ChildProcess; out: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/feeds/fixtures/listen-child.ts', path, rabbit.url, queue], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  const out: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(...d.split('\n').filter(Boolean)));
  await waitFor('listener consuming', () => out.some((l) => l.startsWith('amqp: consuming')), 60_000);
  return { child, out };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

test('a listen process SIGKILLed twice mid-stream: after restarts every one of 20,000 events is counted exactly once', async () => {
  const db = await freshStore();
  await db.store.close(); // the child process owns the file
  const evs = events(20_000, 25, 'kill');
  let l = await listener(db.path, 'kill.cdr');
  const publishing = publish(rabbit.url, evs);
  const leftAtKill: number[] = [];
  for (let round = 0; round < 2; round++) {
    // Kill once some batches are stored and acked but the stream is still flowing.
    await waitFor('some stored', () => l.out.some((x) => /amqp: \d+ received, [1-9]\d* stored/.test(x)), 60_000);
    l.child.kill('SIGKILL');
    await exited(l.child);
    const waiting = await queueDepth(rabbit.url, 'kill.cdr');
    leftAtKill.push(waiting);
    l = await listener(db.path, 'kill.cdr');
  }
  await publishing;
  // Each kill came mid-stream: messages were still waiting (unacked ones return to the queue).
  assert.ok(
    leftAtKill.every((n) => n > 0 && n < 20_000),
    `left at kill: ${leftAtKill.join(', ')}`,
  );
  await waitFor('queue drained', async () => (await queueDepth(rabbit.url, 'kill.cdr')) === 0, 60_000);
  l.child.kill('SIGTERM'); // a clean stop commits and acks the batch in hand
  await exited(l.child);
  assert.equal(l.child.exitCode, 0);
  const store = new DuckDBStore(db.path);
  await store.init();
  assert.equal(await store.countCalls(), 20_000);
  await store.close();
  await db.cleanup().catch(() => undefined);
});

test("events waiting during a broker restart: a classic queue loses Kazoo's transient messages, a quorum queue keeps them all", async () => {
  const db = await freshStore();
  const logs: string[] = [];
  const common = { url: rabbit.url, store: db.store, zoneOf: db.zones.zoneOf, logEverySeconds: 0, log: (x: string) => logs.push(x) };
  for (const [queue, queueType] of [
    ['restart.classic', 'classic'],
    ['restart.quorum', 'quorum'],
  ] as const) {
    const f = startAmqpFeed({ ...common, queue, queueType });
    await f.ready;
    await f.stop();
  }
  await publish(rabbit.url, events(3_000, 5, 'restart'));
  assert.equal(await queueDepth(rabbit.url, 'restart.classic'), 3_000);
  await waitFor('quorum queue holds them', async () => (await queueDepth(rabbit.url, 'restart.quorum')) === 3_000);
  await rabbit.terminate();
  await rabbit.start();
  assert.equal(await queueDepth(rabbit.url, 'restart.classic'), 0);
  await waitFor('quorum queue back', async () => (await queueDepth(rabbit.url, 'restart.quorum').catch(() => -1)) === 3_000, 30_000);
  const f = startAmqpFeed({ ...common, queue: 'restart.quorum', queueType: 'quorum' });
  await waitFor('backlog stored', () => f.stats.stored === 3_000, 60_000);
  await f.stop();
  assert.equal(await db.store.countCalls(), 3_000);
  await db.cleanup();
});
