import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { freshStore } from '../helpers/store.js';
import { startRabbitMq, type RabbitMqServer } from '../helpers/rabbitmq-server.js';
import { GREGORIAN, startCrossbarStandin } from '../helpers/crossbar-standin.js';
import { events, publish, queueDepth, waitFor } from './amqp-helpers.js';

let rabbit: RabbitMqServer;
before(async () => {
  rabbit = await startRabbitMq();
});
after(async () => {
  await rabbit?.stop();
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; out: string[]; err: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => err.push(...d.split('\n').filter(Boolean)));
  return { child, out, err };
}

const exit = (c: ChildProcess): Promise<number | null> =>
  c.exitCode !== null ? Promise.resolve(c.exitCode) : new Promise((r) => c.once('exit', (code) => r(code)));

async function countIn(path: string): Promise<number> {
  const s = new DuckDBStore(path);
  await s.init();
  const n = await s.countCalls();
  await s.close();
  return n;
}

test('callstats listen --amqp URL stores published events and exits 0 on SIGTERM', async () => {
  const db = await freshStore();
  await db.store.close();
  const p = cli(['listen', '--amqp', rabbit.url, '--queue', 'cli.listen', '--store', `duckdb:${db.path}`]);
  await waitFor('consuming', () => p.err.some((l) => l.startsWith('amqp: consuming cli.listen')), 60_000);
  await publish(rabbit.url, events(2_000, 4, 'cli-listen'));
  await waitFor('drained', async () => (await queueDepth(rabbit.url, 'cli.listen')) === 0, 60_000);
  p.child.kill('SIGTERM');
  assert.equal(await exit(p.child), 0);
  assert.ok(
    p.err.some((l) => /^amqp: stopped: 2000 received, 2000 stored/.test(l)),
    p.err.join('\n'),
  );
  assert.equal(await countIn(db.path), 2_000);
  await db.cleanup().catch(() => undefined);
});

test('callstats serve with CALLSTATS_AMQP_URL consumes while serving and stops the feed cleanly on SIGTERM', async () => {
  const db = await freshStore();
  await db.store.close();
  const p = cli(['serve', '--port', '0', '--store', `duckdb:${db.path}`], {
    CALLSTATS_AMQP_URL: rabbit.url,
    CALLSTATS_AMQP_QUEUE: 'cli.serve',
  });
  await waitFor(
    'consuming',
    () => p.out.join('').includes('amqp: consuming cli.serve') || p.err.some((l) => l.startsWith('amqp: consuming cli.serve')),
    60_000,
  );
  await publish(rabbit.url, events(1_000, 2, 'cli-serve'));
  await waitFor('drained', async () => (await queueDepth(rabbit.url, 'cli.serve')) === 0, 60_000);
  p.child.kill('SIGTERM');
  assert.equal(await exit(p.child), 0);
  assert.equal(await countIn(db.path), 1_000);
  await db.cleanup().catch(() => undefined);
});

test('callstats pull --json backfills from crossbar, keeps its state beside the store, and a re-run stores nothing', async () => {
  // There is no Kazoo to install here: test/helpers/crossbar-standin.ts follows crossbar's documented /cdrs paging.
  const account = 'd'.repeat(32);
  const from = Date.UTC(2026, 9, 1) / 1000;
  const standin = await startCrossbarStandin({
    token: 'tok',
    cdrs: {
      [account]: Array.from({ length: 1_500 }, (_, i) => ({
        id: `c-${i}`,
        call_id: `cli-pull-${i}`,
        timestamp: from + i * 300 + 30 + GREGORIAN,
        duration_seconds: 30,
        billing_seconds: 20,
        call_direction: 'outbound' as const,
        caller_id_number: '+6434123456',
        callee_id_number: '+61412345678',
      })),
    },
  });
  const db = await freshStore();
  await db.store.close();
  const args = [
    'pull',
    '--kazoo',
    standin.url,
    '--account',
    account,
    '--from',
    '2026-10-01',
    '--to',
    '2026-10-08',
    '--json',
    '--store',
    `duckdb:${db.path}`,
  ];
  for (const expected of [1_500, 0]) {
    const p = cli(args, { CALLSTATS_KAZOO_TOKEN: 'tok' });
    assert.equal(await exit(p.child), 0, p.err.join('\n'));
    const summary = JSON.parse(p.out.join('')) as { accepted: number; state: string };
    assert.equal(summary.accepted, expected);
    assert.equal(summary.state, `${db.path}.pull-state.json`);
  }
  assert.ok(existsSync(`${db.path}.pull-state.json`));
  assert.equal(await countIn(db.path), 1_500);
  const bad = cli(['pull', '--kazoo', standin.url, '--account', account, '--store', `duckdb:${db.path}`]);
  assert.equal(await exit(bad.child), 2);
  assert.match(bad.err.join('\n'), /pull needs --kazoo URL, --token T \(or CALLSTATS_KAZOO_TOKEN\) and --account ID/);
  await standin.stop();
  await db.cleanup().catch(() => undefined);
});
