/**
 * Starts throw-away ClickHouse servers for tests: loopback only, free ports, data under os.tmpdir().
 *
 * Findings for the Debian 18.16.1 package (see docs/clickhouse.md): the binary is
 * /usr/sbin/clickhouse-server (not on a normal user's PATH), it runs fine as root when its data folder is
 * owned by the caller, and it starts in well under a second with the minimal config written here.
 * Newer releases ship a single `clickhouse` binary whose `server` sub-command takes the same config.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverConfig, USERS_XML, type ClusterLayout, type Ports } from './clickhouse-config.js';

export interface ClickHouseServer {
  /** HTTP endpoint, e.g. `http://127.0.0.1:41234`. */
  url: string;
  httpPort: number;
  tcpPort: number;
  /** Kills the server and removes its data. */
  stop(): Promise<void>;
  /**
   * Stops the server with SIGTERM and waits until it has exited, SIGKILL after `graceMs` (18.16 keeps
   * serving open keep-alive connections for up to its keep_alive_timeout, seconds under load); the data
   * stays for `start()`.
   */
  terminate(graceMs?: number): Promise<void>;
  /** Starts the server again on the same ports and data (after `terminate()`); resolves once it answers. */
  start(): Promise<void>;
  /** Freezes the server (SIGSTOP to its process group): it accepts connections and answers nothing. */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
}

export interface ClickHouseCluster {
  /** HTTP endpoint of each shard, in shard order. */
  urls: string[];
  /** Name of the cluster in `remote_servers`. */
  cluster: string;
  /** Each shard's server, in shard order (to stop, freeze or restart one). */
  servers: ClickHouseServer[];
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 10_000;
const running = new Set<ChildProcess>();

// A crashed or interrupted test run must not leave servers behind.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/** Starts one server. */
export async function startClickHouse(): Promise<ClickHouseServer> {
  return withRetries(async () => {
    const ports = await freePorts(3);
    return launch({ http: ports[0], tcp: ports[1], interserver: ports[2] }, undefined);
  });
}

/** Starts two servers forming a two-shard cluster (`remote_servers` names both, `macros` per server). */
export async function startClickHouseCluster(): Promise<ClickHouseCluster> {
  return withRetries(async () => {
    const ports = await freePorts(6);
    const a: Ports = { http: ports[0], tcp: ports[1], interserver: ports[2] };
    const b: Ports = { http: ports[3], tcp: ports[4], interserver: ports[5] };
    const name = 'callstats_test';
    const shards = [[a.tcp], [b.tcp]];
    const first = await launch(a, { name, shards, shard: 1, replica: 1 });
    let second: ClickHouseServer;
    try {
      second = await launch(b, { name, shards, shard: 2, replica: 1 });
    } catch (err) {
      await first.stop();
      throw err;
    }
    return {
      urls: [first.url, second.url],
      cluster: name,
      servers: [first, second],
      stop: async () => {
        await Promise.all([first.stop(), second.stop()]);
      },
    };
  });
}

/**
 * Starts 2 shards × 2 replicas (four servers) coordinated by the ZooKeeper on `zookeeperPort`:
 * `remote_servers` with internal_replication, `macros` {shard}/{replica} per server, distributed DDL.
 * `servers` are in shard-major order: shard 1 replica 1, shard 1 replica 2, shard 2 replica 1, ...
 */
export async function startReplicatedCluster(zookeeperPort: number): Promise<ClickHouseCluster> {
  return withRetries(async () => {
    const ports = await freePorts(12);
    const all: Ports[] = [0, 1, 2, 3].map((i) => ({ http: ports[3 * i], tcp: ports[3 * i + 1], interserver: ports[3 * i + 2] }));
    const name = 'callstats_replicated';
    const shards = [
      [all[0].tcp, all[1].tcp],
      [all[2].tcp, all[3].tcp],
    ];
    const servers: ClickHouseServer[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        servers.push(await launch(all[i], { name, shards, shard: Math.floor(i / 2) + 1, replica: (i % 2) + 1, zookeeperPort }));
      }
    } catch (err) {
      await Promise.all(servers.map((s) => s.stop()));
      throw err;
    }
    return {
      urls: servers.map((s) => s.url),
      cluster: name,
      servers,
      stop: async () => {
        await Promise.all(servers.map((s) => s.stop()));
      },
    };
  });
}

/** Ports picked free can be taken by someone else before the server binds them: try again with new ones. */
async function withRetries<T>(start: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await start();
    } catch (err) {
      lastError = err;
      if (err instanceof MissingServerError) throw err;
    }
  }
  throw lastError;
}

class MissingServerError extends Error {}

function findBinary(): { command: string; args: string[] } {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin']);
  for (const dir of dirs) {
    const server = join(dir, 'clickhouse-server');
    if (isExecutable(server)) return { command: server, args: [] };
  }
  for (const dir of dirs) {
    const multi = join(dir, 'clickhouse');
    if (isExecutable(multi)) return { command: multi, args: ['server'] };
  }
  throw new MissingServerError(
    'clickhouse-server is not installed: run .ci/run (it installs the Debian clickhouse-server package) before the tests',
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function launch(ports: Ports, cluster: ClusterLayout | undefined): Promise<ClickHouseServer> {
  const binary = findBinary();
  const dir = mkdtempSync(join(tmpdir(), 'callstats-ch-'));
  writeFileSync(join(dir, 'config.xml'), serverConfig(dir, ports, cluster));
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  const url = `http://127.0.0.1:${ports.http}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const spawnAndWait = async (): Promise<boolean> => {
    const out = openSync(join(dir, 'stdout.log'), 'a');
    const proc = spawn(binary.command, [...binary.args, `--config-file=${join(dir, 'config.xml')}`], {
      cwd: dir,
      detached: true, // own process group, so stop() can kill the server and anything it forked
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    child = proc;
    running.add(proc);
    let gone = false;
    exited = new Promise<void>((resolve) =>
      proc.once('exit', () => {
        gone = true;
        running.delete(proc);
        resolve();
      }),
    );
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (gone) return false;
      if (await pingOk(url)) return true;
      await sleep(50);
    }
    return false;
  };

  const kill = async (signal: NodeJS.Signals, graceMs = 0): Promise<void> => {
    if (child && running.has(child)) {
      const proc = child;
      // A frozen server ignores SIGTERM until it is thawed.
      killGroup(proc, 'SIGCONT');
      killGroup(proc, signal);
      const timer = graceMs > 0 ? setTimeout(() => killGroup(proc, 'SIGKILL'), graceMs) : undefined;
      await exited;
      clearTimeout(timer);
    }
  };

  const server: ClickHouseServer = {
    url,
    httpPort: ports.http,
    tcpPort: ports.tcp,
    // The data is thrown away, so there is nothing to flush: a graceful 18.16 shutdown takes seconds.
    stop: async () => {
      await kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
    terminate: (graceMs = 2_000) => kill('SIGTERM', graceMs),
    start: async () => {
      if (child && running.has(child)) return;
      if (!(await spawnAndWait())) {
        const log = readLog(dir);
        await kill('SIGKILL');
        throw new Error(`ClickHouse did not start again on ${url} within ${STARTUP_TIMEOUT_MS} ms:\n${log}`);
      }
    },
    pause: () => {
      if (child) killGroup(child, 'SIGSTOP');
    },
    resume: () => {
      if (child) killGroup(child, 'SIGCONT');
    },
  };

  if (await spawnAndWait()) return server;
  const log = readLog(dir);
  await server.stop();
  throw new Error(`ClickHouse did not answer /ping on ${url} within ${STARTUP_TIMEOUT_MS} ms:\n${log}`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function pingOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) });
    return res.ok && (await res.text()).trim() === 'Ok.';
  } catch {
    return false;
  }
}

function readLog(dir: string): string {
  const parts: string[] = [];
  for (const name of ['stdout.log', 'server.err.log']) {
    const file = join(dir, name);
    if (existsSync(file)) parts.push(readFileSync(file, 'utf8').split('\n').slice(-30).join('\n'));
  }
  return parts.join('\n');
}

/** Asks the kernel for `n` distinct free loopback ports (all held open together so they differ). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
