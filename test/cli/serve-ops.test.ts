import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { runServe } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/core/config.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { freshStore } from '../helpers/store.js';

const run = promisify(execFile);

/** Runs `callstats ARGS` as a child; resolves with its exit code and output, whatever the code. */
async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = execFile(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

function sink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c: Buffer, _e, done) {
      chunks.push(c.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

describe('serve: default log level, stale server handles', () => {
  let fresh: Awaited<ReturnType<typeof freshStore>>;
  let handlePath: string;
  let storeValue: string;
  before(async () => {
    fresh = await freshStore();
    // The server opens the file itself.
    await fresh.store.close();
    handlePath = `${fresh.path}.server.json`;
    storeValue = `duckdb:${fresh.path}`;
  });
  after(async () => {
    await fresh.cleanup().catch(() => undefined);
  });

  const serve = async (log: string[], logs: ReturnType<typeof sink>) => {
    const config = loadConfig({ CALLSTATS_STORE: storeValue, CALLSTATS_PORT: '0' });
    return runServe({ config, log: (l) => log.push(l), logStream: logs.stream });
  };

  test('without CALLSTATS_LOG_LEVEL serve writes one info access line per request', async () => {
    const log: string[] = [];
    const logs = sink();
    const server = await serve(log, logs);
    try {
      const res = await fetch(`${server.url}/healthz`);
      assert.equal(res.status, 200);
      await res.text();
      await new Promise((r) => setTimeout(r, 100));
      const access = logs.lines().filter((l) => l.msg === 'request');
      assert.deepEqual(
        access.map((l) => [l.level, l.method, l.route, l.status]),
        [[30, 'GET', '/healthz', 200]],
      );
    } finally {
      await server.close();
    }
    assert.equal(existsSync(handlePath), false, 'the handle is removed on exit');
  });

  test('a handle whose pid is dead is replaced, with a line saying so', async () => {
    const pid = await deadPid();
    writeFileSync(handlePath, JSON.stringify({ url: 'http://127.0.0.1:1', controlToken: 'old', pid, dialect: 'duckdb' }));
    const log: string[] = [];
    const server = await serve(log, sink());
    try {
      assert.ok(log.includes(`callstats: replacing the stale server handle ${handlePath} (pid ${pid} is not running)`), log.join('\n'));
      const now = JSON.parse(readFileSync(handlePath, 'utf8'));
      assert.equal(now.pid, process.pid);
      assert.notEqual(now.controlToken, 'old');
    } finally {
      await server.close();
    }
  });

  test('a handle whose process lives but whose port does not answer the control channel is replaced too', async () => {
    const port = await closedPort();
    writeFileSync(
      handlePath,
      JSON.stringify({ url: `http://127.0.0.1:${port}`, controlToken: 'old', pid: process.pid, dialect: 'duckdb' }),
    );
    const log: string[] = [];
    const server = await serve(log, sink());
    try {
      const line = log.find((l) => l.startsWith('callstats: replacing the stale server handle'));
      assert.match(String(line), new RegExp(`\\(http://127\\.0\\.0\\.1:${port} does not answer \\(`));
      assert.equal(JSON.parse(readFileSync(handlePath, 'utf8')).pid, process.pid);
    } finally {
      await server.close();
    }
  });

  test('other commands ignore a stale handle with a note: query reads the store itself', async () => {
    const pid = await deadPid();
    writeFileSync(handlePath, JSON.stringify({ url: 'http://127.0.0.1:1', controlToken: 'old', pid, dialect: 'duckdb' }));
    const r = await cli(['query', '--account', 'acct00000000000000000000000000a1', 'monthly', '--json'], { CALLSTATS_STORE: storeValue });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{}\n');
    assert.ok(r.stderr.includes(`callstats: note: ignoring the stale server handle ${handlePath} (pid ${pid} is not running)`), r.stderr);
    assert.equal(existsSync(handlePath), true, 'only serve replaces it');
  });

  test('a command meeting a locked store and a stale handle says so and reports the lock, not a dead server', async () => {
    const pid = await deadPid();
    writeFileSync(handlePath, JSON.stringify({ url: 'http://127.0.0.1:1', controlToken: 'old', pid, dialect: 'duckdb' }));
    const holder = new DuckDBStore(fresh.path);
    await holder.init();
    try {
      const r = await cli(['keys', 'list'], { CALLSTATS_STORE: storeValue });
      assert.notEqual(r.code, 0);
      assert.ok(r.stderr.includes(`callstats: note: ignoring the stale server handle ${handlePath} (pid ${pid} is not running)`), r.stderr);
      assert.match(r.stderr, /is in use by another process/);
    } finally {
      await holder.close();
    }
  });
});

describe('fatal errors are logged before the process exits non-zero', () => {
  const child = (code: string) =>
    run(process.execPath, [
      '--import',
      'tsx',
      '-e',
      `import('./src/cli/fatal.ts').then((m) => { m.installFatalHandlers(); ${code} })`,
    ]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  test('an uncaught exception', async () => {
    const r = await child("setTimeout(() => { throw new Error('boom in a timer'); }, 10);");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^callstats: fatal: uncaught exception \(pid \d+\), exiting: Error: boom in a timer\n/);
  });

  test('an unhandled promise rejection', async () => {
    const r = await child("Promise.reject(new Error('nobody waits for me'));");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^callstats: fatal: unhandled promise rejection \(pid \d+\), exiting: Error: nobody waits for me\n/);
  });

  test('serve whose store cannot be reached at start says which store (without its password) and exits 3 (store unavailable, docs/cli.md)', async () => {
    const port = await closedPort();
    const r = await cli(['serve', '--port', '0'], {
      CALLSTATS_STORE: `clickhouse://default:hunter2@127.0.0.1:${port}/callstats`,
      CALLSTATS_QUERY_TIMEOUT: '2',
    });
    assert.equal(r.code, 3);
    const all = r.stdout + r.stderr;
    assert.match(all, new RegExp(`callstats: cannot open the store clickhouse://default:\\*\\*\\*@127\\.0\\.0\\.1:${port}/callstats: `));
    assert.ok(!all.includes('hunter2'), all);
  });
});
