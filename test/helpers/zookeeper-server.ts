/**
 * Starts a throw-away ZooKeeper (Debian's `zookeeper` package, run with the system java) on loopback for
 * the replicated ClickHouse cluster: standalone mode, a free port, data under os.tmpdir().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ZooKeeperServer {
  port: number;
  /** Kills the server and removes its data. */
  stop(): Promise<void>;
}

const JAR = '/usr/share/java/zookeeper.jar';
const STARTUP_TIMEOUT_MS = 60_000;

/** Starts one standalone ZooKeeper; resolves once it answers `ruok` with `imok`. */
export async function startZooKeeper(): Promise<ZooKeeperServer> {
  if (!existsSync(JAR))
    throw new Error('ZooKeeper is not installed: run .ci/run (it installs the Debian zookeeper package) before the tests');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'callstats-zk-'));
  writeFileSync(
    join(dir, 'zoo.cfg'),
    [
      'tickTime=500',
      `dataDir=${dir}/data`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'maxClientCnxns=0',
      'admin.enableServer=false',
      '4lw.commands.whitelist=ruok',
      // Session timeouts are tickTime multiples: short ticks let ClickHouse notice a stopped replica fast.
      'minSessionTimeout=1000',
      'maxSessionTimeout=30000',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'log4j.properties'),
    'log4j.rootLogger=WARN, C\nlog4j.appender.C=org.apache.log4j.ConsoleAppender\nlog4j.appender.C.layout=org.apache.log4j.PatternLayout\n',
  );
  const out = openSync(join(dir, 'zookeeper.log'), 'a');
  const child: ChildProcess = spawn(
    'java',
    [
      '-Xmx128m',
      '-XX:+UseSerialGC',
      '-cp',
      `${dir}:${JAR}:/usr/share/java/*`,
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      join(dir, 'zoo.cfg'),
    ],
    { cwd: dir, detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  let gone = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => ((gone = true), resolve())));
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', kill);
  const stop = async () => {
    kill();
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline && !gone) {
    if ((await fourLetter(port, 'ruok')) === 'imok') return { port, stop };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const log = existsSync(join(dir, 'zookeeper.log')) ? readFileSync(join(dir, 'zookeeper.log'), 'utf8').slice(-3000) : '';
  await stop();
  throw new Error(`ZooKeeper did not answer on 127.0.0.1:${port} within ${STARTUP_TIMEOUT_MS} ms:\n${log}`);
}

function fourLetter(port: number, word: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('connect', () => socket.write(word));
    socket.on('data', (d) => (text += d.toString()));
    socket.on('close', () => resolve(text.trim()));
    socket.on('error', () => resolve(''));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
