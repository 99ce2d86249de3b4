import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { freePort } from './proc.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

/** A running throw-away PostgreSQL server. */
export interface PostgresHandle {
  url: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

/**
 * Settings for this 2-core / 24 GB machine, as a DBA would tune a reporting box — the baseline must
 * be a fair opponent. fsync stays on; the loader turns `synchronous_commit` off for its own session
 * only (a crash loses the last few commits, never consistency), which is what bulk loads do.
 */
const SETTINGS: Record<string, string> = {
  listen_addresses: "'127.0.0.1'",
  shared_buffers: "'2GB'",
  work_mem: "'256MB'",
  maintenance_work_mem: "'1GB'",
  effective_cache_size: "'16GB'",
  max_worker_processes: '4',
  max_parallel_workers: '2',
  max_parallel_workers_per_gather: '2',
  max_parallel_maintenance_workers: '2',
  random_page_cost: '1.1',
  max_wal_size: "'8GB'", // no forced checkpoints in the middle of a bulk load
  checkpoint_timeout: "'30min'",
  fsync: 'on',
  timezone: "'UTC'",
  log_min_messages: 'warning',
};

/**
 * Starts PostgreSQL 15 in a fresh temp directory on a free loopback port. It runs as the `postgres`
 * user because the server refuses to run as root; nothing outside the temp dir is touched (the
 * Debian 'main' cluster stays as it is). An exit hook stops it if the caller forgets or crashes.
 */
export async function startPostgres(): Promise<PostgresHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'callstats-pg-'));
  const data = join(dir, 'data');
  chmodSync(dir, 0o700);
  const asPostgres = (cmd: string, args: string[]): string =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args], { encoding: 'utf8', cwd: '/' });
  const running = process.getuid?.() === 0;
  if (running) chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  const run = running ? asPostgres : (cmd: string, args: string[]) => execFileSync(join(BIN, cmd), args, { encoding: 'utf8' });

  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  const conf = Object.entries({ ...SETTINGS, port: String(port), unix_socket_directories: `'${dir}'` })
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n');
  appendFileSync(join(data, 'postgresql.conf'), `\n# callstats bench\n${conf}\n`);
  run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log')]);

  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    const args = ['stop', '-D', data, '-m', 'fast', '-w'];
    if (running) spawnSync('runuser', ['-u', 'postgres', '--', join(BIN, 'pg_ctl'), ...args], { stdio: 'ignore' });
    else spawnSync(join(BIN, 'pg_ctl'), args, { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopSync();
      process.exit(130);
    });
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      stopSync();
      process.removeListener('exit', stopSync);
    },
  };
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
