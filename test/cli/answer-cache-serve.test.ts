import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runServe } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/core/config.js';
import { freshStore } from '../helpers/store.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { startRabbitMq, type RabbitMqServer } from '../helpers/rabbitmq-server.js';
import { GREGORIAN, startCrossbarStandin, type CrossbarStandin } from '../helpers/crossbar-standin.js';
import { accountId, events, publish, waitFor } from '../feeds/amqp-helpers.js';

const run = promisify(execFile);
// 2023-11-14 22:13:20 UTC: the AMQP helper's hangups start there; every question asks about that UTC day.
const HANGUP = 1_700_000_000;
const Q = encodeURIComponent(
  JSON.stringify({
    filters: [
      { name: 'call_time', op: '>=', val: '00:00:00 14/11/2023' },
      { name: 'call_time', op: '<', val: '00:00:00 15/11/2023' },
    ],
  }),
);
const KAZOO_TOKEN = 'standin-token';
const PULLED = 'd'.repeat(32);

/** The CLI as a child process, on the store the server holds (so it goes through the server). */
async function cli(args: string[], store: string): Promise<string> {
  const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    env: { ...process.env, CALLSTATS_STORE: store, CALLSTATS_KAZOO_TOKEN: KAZOO_TOKEN },
    timeout: 60_000,
  });
  return r.stdout;
}

describe('answer cache in serve: every write path through the running server drops what it changed', () => {
  let fresh: Awaited<ReturnType<typeof freshStore>>;
  let rabbit: RabbitMqServer;
  let standin: CrossbarStandin;
  let server: Awaited<ReturnType<typeof runServe>>;
  let token = '';
  let storeValue = '';
  before(async () => {
    [fresh, rabbit] = await Promise.all([freshStore(), startRabbitMq()]);
    await fresh.store.close();
    storeValue = `duckdb:${fresh.path}`;
    standin = await startCrossbarStandin({
      token: KAZOO_TOKEN,
      cdrs: {
        [PULLED]: [1, 2, 3].map((i) => ({
          id: `p-${i}`,
          call_id: `p-call-${i}`,
          timestamp: HANGUP + i * 60 + GREGORIAN,
          duration_seconds: 30,
          billing_seconds: 28,
          call_direction: 'inbound' as const,
          caller_id_number: '+6434123456',
          callee_id_number: '+61412345678',
        })),
      },
    });
    const log: string[] = [];
    const config = loadConfig({
      CALLSTATS_STORE: storeValue,
      CALLSTATS_PORT: '0',
      CALLSTATS_RATE_LIMIT: '0',
      CALLSTATS_LOG_LEVEL: 'warn',
      CALLSTATS_AMQP_QUEUE: 'answer-cache.cdr',
    });
    server = await runServe({ config, log: (l) => log.push(l), amqpUrl: rabbit.url });
    token = /API key \(shown once, keep it\): (\S+)/.exec(log.join('\n'))![1];
  });
  after(async () => {
    await server?.close();
    await Promise.all([rabbit?.stop(), standin?.stop()]);
    await fresh?.cleanup();
  });

  const ask = async (account: string): Promise<{ total: number; how: string | null }> => {
    const r = await fetch(`${server.url}/v2/accounts/${account}/call_statistics/daily?q=${Q}`, { headers: { 'x-auth-token': token } });
    assert.equal(r.status, 200);
    const body = (await r.json()) as { data: Record<string, { total: number }> };
    return { total: Object.values(body.data).reduce((n, b) => n + b.total, 0), how: r.headers.get('x-callstats-cache') };
  };
  /** Asks twice, so the answer is cached before the write under test. */
  const cached = async (account: string, total: number) => {
    await ask(account);
    assert.deepEqual(await ask(account), { total, how: 'hit' });
  };

  test('`callstats import` through the running server', async () => {
    await cached('acctImp', 0);
    const file = join(fresh.dir, 'import.json');
    writeFileSync(file, JSON.stringify([kazooCdr('i1', HANGUP), kazooCdr('i2', HANGUP + 60)]));
    await cli(['import', '--account', 'acctImp', file], storeValue);
    assert.deepEqual(await ask('acctImp'), { total: 2, how: 'miss' });
  });

  test('`callstats pull` through the running server', async () => {
    await cached(PULLED, 0);
    await cli(['pull', '--kazoo', standin.url, '--account', PULLED, '--from', '2023-11-14', '--to', '2023-11-15'], storeValue);
    assert.deepEqual(await ask(PULLED), { total: 3, how: 'miss' });
  });

  test('AMQP call events consumed by serve', async () => {
    const account = accountId(0);
    await cached(account, 0);
    await publish(rabbit.url, events(5, 1, 'ac', HANGUP + 3600));
    // A stale entry would keep answering 0 until this times out.
    await waitFor('the answer counts the consumed events', async () => (await ask(account)).total === 5);
  });
});
