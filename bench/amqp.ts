/**
 * The AMQP feed's acceptance runs and its rate, side by side with HTTP ingest of the same CDRs
 * (issue 15): `node --import tsx bench/amqp.ts [--events 100000] [--accounts 50]`.
 *
 * Each phase has a fresh DuckDB store; RabbitMQ is Debian's, started by test/helpers/rabbitmq-server.ts.
 *   live     events published while `listen` runs: all counted once; events/s and listen's peak RSS
 *   backlog  events published while `listen` is stopped: all counted after it starts (drain rate)
 *   chaos    `listen` SIGKILLed at ~30 %, RabbitMQ stopped and started at ~60 %, on a quorum queue
 *            (a classic queue loses Kazoo's transient messages in a broker restart): exact count
 *   http     the same CDRs POSTed as NDJSON to `serve` (1,000 per request, 4 at a time)
 * Both processes run under tsx (`listen` through test/feeds/fixtures/listen-child.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import amqp from 'amqplib';
import { CALLEVT_EXCHANGE } from '../src/feeds/amqp-feed.js';
import { kazooEventToCdr } from '../src/ingest/kazoo-event.js';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.js';
import { startRabbitMq, type RabbitMqServer } from '../test/helpers/rabbitmq-server.js';
import { events, queueDepth, waitFor } from '../test/feeds/amqp-helpers.js';
import { routingKey } from '../test/feeds/fixtures/kazoo-events.js';
import { cliServe, prepareCli } from './lib/callstats-cli.js';
import { watchMemory } from './lib/proc.js';
import { log } from './lib/progress.js';

const root = resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('events', 100_000);
const ACCOUNTS = arg('accounts', 50);
const MiB = 2 ** 20;

interface Listener {
  child: ChildProcess;
  lines: string[];
  memory: ReturnType<typeof watchMemory>;
}

async function listen(path: string, url: string, queue: string, env: NodeJS.ProcessEnv = {}): Promise<Listener> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/feeds/fixtures/listen-child.ts'), path, url, queue], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
  await waitFor('listen consuming', () => lines.some((l) => l.startsWith('amqp: consuming')), 120_000);
  return { child, lines, memory: watchMemory(child.pid!, 50) };
}

/** Stored + duplicate counts from the newest progress line of one listen process. */
function handled(l: Listener): number {
  for (let i = l.lines.length - 1; i >= 0; i--) {
    const m = /(\d+) stored, (\d+) duplicate/.exec(l.lines[i]);
    if (m) return Number(m[1]) + Number(m[2]);
  }
  return 0;
}

async function stopListen(l: Listener, signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
  const gone = new Promise<void>((r) => (l.child.exitCode !== null ? r() : l.child.once('exit', () => r())));
  l.child.kill(signal);
  await gone;
  return l.memory.stop().peak;
}

/** Publishes like Kazoo (transient, `callevt`, routing key from the body) with confirms; re-sends a chunk whose confirm failed. */
async function publishAll(url: string, bodies: Record<string, unknown>[], onChunk?: (sent: number) => Promise<void>): Promise<void> {
  const chunk = 2_000;
  for (let i = 0; i < bodies.length;) {
    try {
      const conn = await amqp.connect(url);
      conn.on('error', () => undefined);
      try {
        const ch = await conn.createConfirmChannel();
        await ch.assertExchange(CALLEVT_EXCHANGE, 'topic', { durable: false, autoDelete: false });
        while (i < bodies.length) {
          for (const b of bodies.slice(i, i + chunk))
            ch.publish(CALLEVT_EXCHANGE, routingKey(b), Buffer.from(JSON.stringify(b)), { contentType: 'application/json' });
          await ch.waitForConfirms();
          i += chunk;
          await onChunk?.(i);
        }
      } finally {
        await conn.close().catch(() => undefined);
      }
    } catch {
      await new Promise((r) => setTimeout(r, 500)); // broker away: Kazoo would retry too; the chunk is sent again
    }
  }
}

async function freshDuckdb(): Promise<{ dir: string; path: string; count(): Promise<number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'callstats-bench-amqp-'));
  const path = join(dir, 'callstats.duckdb');
  return {
    dir,
    path,
    async count() {
      const s = new DuckDBStore(path);
      await s.init();
      const n = await s.countCalls();
      await s.close();
      return n;
    },
  };
}

async function live(rabbit: RabbitMqServer, evs: Record<string, unknown>[]): Promise<string> {
  const db = await freshDuckdb();
  const l = await listen(db.path, rabbit.url, 'bench.live');
  const t0 = performance.now();
  await publishAll(rabbit.url, evs);
  const published = (performance.now() - t0) / 1000;
  await waitFor('live: all handled', () => handled(l) >= evs.length, 600_000);
  const seconds = (performance.now() - t0) / 1000;
  const peak = await stopListen(l);
  const count = await db.count();
  rmSync(db.dir, { recursive: true, force: true });
  log(`live: ${count} calls stored in ${seconds.toFixed(1)} s (published in ${published.toFixed(1)} s)`);
  return row('amqp live (listen running)', evs.length, count, seconds, peak);
}

async function backlog(rabbit: RabbitMqServer, evs: Record<string, unknown>[]): Promise<string> {
  const db = await freshDuckdb();
  await stopListen(await listen(db.path, rabbit.url, 'bench.backlog')); // declares and binds the queue
  await publishAll(rabbit.url, evs);
  log(`backlog: ${await queueDepth(rabbit.url, 'bench.backlog')} events waiting`);
  const t0 = performance.now();
  const l = await listen(db.path, rabbit.url, 'bench.backlog');
  await waitFor('backlog: all handled', () => handled(l) >= evs.length, 600_000);
  const seconds = (performance.now() - t0) / 1000;
  const peak = await stopListen(l);
  const count = await db.count();
  rmSync(db.dir, { recursive: true, force: true });
  return row('amqp backlog (published while stopped; drain incl. start)', evs.length, count, seconds, peak);
}

async function chaos(rabbit: RabbitMqServer, evs: Record<string, unknown>[]): Promise<string> {
  const db = await freshDuckdb();
  const env = { CALLSTATS_AMQP_QUEUE_TYPE: 'quorum' };
  let l = await listen(db.path, rabbit.url, 'bench.chaos', env);
  let peak = 0;
  let killed = false;
  let restarted = false;
  const t0 = performance.now();
  await publishAll(rabbit.url, evs, async (sent) => {
    if (!killed && sent >= evs.length * 0.3) {
      killed = true;
      peak = Math.max(peak, await stopListen(l, 'SIGKILL'));
      log(`chaos: listen SIGKILLed at ${sent} published`);
      l = await listen(db.path, rabbit.url, 'bench.chaos', env);
    } else if (!restarted && sent >= evs.length * 0.6) {
      restarted = true;
      log(`chaos: stopping RabbitMQ at ${sent} published`);
      await rabbit.terminate();
      await rabbit.start();
      const before = l.lines.filter((x) => x.startsWith('amqp: consuming')).length;
      // Until listen has re-bound, callevt routes nowhere (Kazoo's own events would be lost the same way).
      await waitFor('chaos: listen re-bound', () => l.lines.filter((x) => x.startsWith('amqp: consuming')).length > before, 120_000);
      log('chaos: RabbitMQ back, listen re-bound');
    }
  });
  await waitFor('chaos: queue drained', async () => (await queueDepth(rabbit.url, 'bench.chaos').catch(() => -1)) === 0, 600_000);
  peak = Math.max(peak, await stopListen(l)); // a clean stop commits and acks the last batch
  const seconds = (performance.now() - t0) / 1000;
  const count = await db.count();
  rmSync(db.dir, { recursive: true, force: true });
  return row('amqp chaos (SIGKILL + broker restart, quorum queue)', evs.length, count, seconds, peak);
}

async function http(evs: Record<string, unknown>[]): Promise<string> {
  const db = await freshDuckdb();
  const cli = prepareCli(root, '', 'tsx');
  const server = await cliServe(cli, `duckdb:${db.path}`, 'http');
  if (!server.firstKey) throw new Error('serve printed no key');
  const byAccount = new Map<string, string[]>();
  for (const e of evs) {
    const r = kazooEventToCdr(e);
    if (r.kind !== 'cdr') continue;
    const account = String((r.doc.custom_channel_vars as Record<string, unknown>).account_id);
    const list = byAccount.get(account) ?? [];
    list.push(JSON.stringify(r.doc));
    byAccount.set(account, list);
  }
  const bodies: { account: string; body: string }[] = [];
  for (const [account, docs] of byAccount)
    for (let i = 0; i < docs.length; i += 1000) bodies.push({ account, body: docs.slice(i, i + 1000).join('\n') });
  const memory = watchMemory(server.pid, 50);
  const t0 = performance.now();
  let next = 0;
  let accepted = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < bodies.length) {
        const b = bodies[next++];
        const res = await fetch(`${server.url}/v2/accounts/${b.account}/call_statistics/cdrs`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', 'x-auth-token': server.firstKey! },
          body: b.body,
        });
        const json = (await res.json()) as { data?: { accepted?: number } };
        if (res.status !== 200) throw new Error(`http ingest: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
        accepted += json.data?.accepted ?? 0;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const peak = memory.stop().peak;
  await server.stop();
  const count = await db.count();
  rmSync(db.dir, { recursive: true, force: true });
  log(`http: ${accepted} accepted`);
  return row('http ingest (NDJSON, 1,000 per POST, 4 clients)', evs.length, count, seconds, peak);
}

function row(name: string, sent: number, stored: number, seconds: number, peakRss: number): string {
  const verdict = stored === sent ? 'exact' : `**${stored - sent > 0 ? '+' : ''}${stored - sent}**`;
  return `| ${name} | ${sent.toLocaleString('en-US')} | ${stored.toLocaleString('en-US')} (${verdict}) | ${seconds.toFixed(1)} | ${Math.round(sent / seconds).toLocaleString('en-US')} | ${Math.round(peakRss / MiB)} |`;
}

const evs = events(N, ACCOUNTS, 'bench');
log(`amqp bench: ${N} events over ${ACCOUNTS} accounts; starting RabbitMQ`);
const rabbit = await startRabbitMq();
const rows: string[] = [];
try {
  const which = (process.argv.find((a) => a.startsWith('--only=')) ?? '--only=live,backlog,chaos,http').slice(7).split(',');
  if (which.includes('live')) rows.push(await live(rabbit, evs));
  if (which.includes('backlog')) rows.push(await backlog(rabbit, evs));
  if (which.includes('chaos')) rows.push(await chaos(rabbit, evs));
  if (which.includes('http')) rows.push(await http(evs));
} finally {
  await rabbit.stop();
}
const table = [
  '| path | events | calls stored | seconds | events/s | peak RSS of callstats (MiB) |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows,
].join('\n');
process.stdout.write(table + '\n');
