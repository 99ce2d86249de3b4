/**
 * Starts a throw-away RabbitMQ (Debian's `rabbitmq-server`, 3.10 on bookworm) for tests: loopback
 * only, free ports, its own node name, data and log folders under os.tmpdir(), and its own `epmd`
 * (started here as a child on a free port and named in ERL_EPMD_PORT), so nothing is shared with
 * a system broker or another test file. No plugins are enabled (an empty enabled-plugins file).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';

export interface RabbitMqServer {
  /** e.g. `amqp://guest:guest@127.0.0.1:41234` (guest may log in from loopback only, which is all we use). */
  url: string;
  port: number;
  /** Stops the broker (SIGTERM, SIGKILL after `graceMs`); data stays for `start()`. */
  terminate(graceMs?: number): Promise<void>;
  /** Starts the broker again on the same port, node name and data; resolves once it accepts AMQP logins. */
  start(): Promise<void>;
  /** Stops the broker and epmd and removes the data. */
  stop(): Promise<void>;
}

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const STARTUP_TIMEOUT_MS = 60_000;
const running = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/** Starts one broker; resolves once a client can log in. */
export async function startRabbitMq(): Promise<RabbitMqServer> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: install Debian's rabbitmq-server (.ci/run does)`);
  const [port, dist, epmdPort] = await freePorts(3);
  const dir = mkdtempSync(join(tmpdir(), 'callstats-rabbit-'));
  const plugins = join(dir, 'enabled_plugins');
  writeFileSync(plugins, '[].\n');
  writeFileSync(join(dir, '.erlang.cookie'), `callstatstest${port}`, { mode: 0o400 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_NODENAME: `callstats${port}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(dist),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: plugins,
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    // The test machine is small and shared: keep the VM to two schedulers.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '+S 2:2 +A 4',
  };
  // Disk and memory alarms would block publishers on a busy test machine; tests are not about them.
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    'disk_free_limit.absolute = 1MB\nvm_memory_high_watermark.relative = 0.8\nloopback_users = none\n',
  );
  const epmd = spawn('epmd', ['-port', String(epmdPort), '-address', '127.0.0.1'], { env, stdio: 'ignore', detached: true });
  running.add(epmd);
  let child: ChildProcess | undefined;
  const url = `amqp://guest:guest@127.0.0.1:${port}`;

  const start = async (): Promise<void> => {
    const logFd = openSync(join(dir, 'stdout.log'), 'a');
    child = spawn(SERVER, [], { env, stdio: ['ignore', logFd, logFd], detached: true });
    closeSync(logFd);
    running.add(child);
    const started = Date.now();
    const proc = child;
    while (Date.now() - started < STARTUP_TIMEOUT_MS) {
      if (proc.exitCode !== null || proc.signalCode !== null) break;
      if (await canLogIn(url, port)) return;
      await sleep(200);
    }
    const log = readFileSync(join(dir, 'stdout.log'), 'utf8').slice(-3000);
    killGroup(proc, 'SIGKILL');
    throw new Error(`rabbitmq-server did not start on port ${port}:\n${log}`);
  };

  const terminate = async (graceMs = 15_000): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    killGroup(proc, 'SIGTERM');
    const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    running.delete(proc);
  };

  await start();
  return {
    url,
    port,
    start,
    terminate,
    async stop() {
      await terminate(5_000);
      killGroup(epmd, 'SIGKILL');
      running.delete(epmd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function canLogIn(url: string, port: number): Promise<boolean> {
  const open = await new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
  if (!open) return false;
  try {
    const conn = await amqp.connect(url);
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import('node:net').Server>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
