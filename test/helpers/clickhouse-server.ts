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

interface Ports {
  http: number;
  tcp: number;
  interserver: number;
}

interface ClusterLayout {
  name: string;
  shardTcpPorts: number[];
  shard: number;
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
    const shardTcpPorts = [a.tcp, b.tcp];
    const first = await launch(a, { name, shardTcpPorts, shard: 1 });
    let second: ClickHouseServer;
    try {
      second = await launch(b, { name, shardTcpPorts, shard: 2 });
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

// `<yandex>` is the root 18.16 requires; current releases accept it as an alias of `<clickhouse>`.
// Elements a release does not know (max_server_memory_usage is 20.x+) are ignored by older ones.
function serverConfig(dir: string, ports: Ports, cluster: ClusterLayout | undefined): string {
  const remote = cluster
    ? `<remote_servers><${cluster.name}>${cluster.shardTcpPorts
        .map((port) => `<shard><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`)
        .join('')}</${cluster.name}></remote_servers>
  <macros><shard>${cluster.shard}</shard><replica>r${cluster.shard}</replica></macros>`
    : '';
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/server.log</log>
    <errorlog>${dir}/server.err.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_server_memory_usage>2000000000</max_server_memory_usage>
  <max_concurrent_queries>50</max_concurrent_queries>
  <keep_alive_timeout>10</keep_alive_timeout>
  <mlock_executable>false</mlock_executable>
  ${remote}
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>1000000000</max_memory_usage>
      <max_threads>2</max_threads>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
`;
