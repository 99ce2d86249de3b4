import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Writable } from 'node:stream';

/** Peak and current resident set size of a process, in bytes, from /proc (Linux). */
export function memoryOf(pid: number): { hwm: number; rss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return undefined;
  }
}

/**
 * Resets a process's peak RSS (VmHWM) to its current RSS, so a later reading is the peak of one
 * phase only. Returns false where the kernel or permissions do not allow it.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples a process's memory every `everyMs` until stopped. VmHWM is the kernel's own high-water
 * mark, so sampling only risks missing the last few milliseconds before the process exits; the
 * sampled VmRSS maximum is kept as well for kernels where VmHWM cannot be reset.
 */
export function watchMemory(pid: number, everyMs = 20): { stop(): { peak: number; maxSampled: number } } {
  let peak = 0;
  let maxSampled = 0;
  const sample = (): void => {
    const m = memoryOf(pid);
    if (!m) return;
    if (m.hwm > peak) peak = m.hwm;
    if (m.rss > maxSampled) maxSampled = m.rss;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      sample();
      clearInterval(timer);
      return { peak: Math.max(peak, maxSampled), maxSampled };
    },
  };
}

/** What a child run produced, with its peak RSS. */
export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRss: number;
}

/** Runs a command to completion while sampling its peak RSS; stderr lines are passed to `onStderr`. */
export async function runMeasured(
  command: string,
  args: string[],
  opts: SpawnOptions & { onStderr?: (line: string) => void; stdin?: (input: Writable) => Promise<void> } = {},
): Promise<ChildResult> {
  const started = performance.now();
  const child = spawn(command, args, { ...opts, stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  // A writer that fails (the child exited early: EPIPE) shows up as the child's exit code, not here.
  const feeding = opts.stdin ? opts.stdin(child.stdin!).catch(() => undefined) : Promise.resolve();
  const watch = child.pid === undefined ? undefined : watchMemory(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  let pending = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    pending += s;
    const lines = pending.split(/[\r\n]/);
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) opts.onStderr?.(line);
  });
  // 'exit' fires before the pipes are drained and while /proc/PID is still readable for a moment.
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  const mem = watch?.stop() ?? { peak: NaN };
  await feeding;
  await new Promise<void>((resolve) => (child.stdout!.readableEnded ? resolve() : child.stdout!.once('end', () => resolve())));
  return { code, stdout, stderr, seconds: (performance.now() - started) / 1000, peakRss: mem.peak };
}

/** A free loopback port (the usual small race: someone else may take it before we bind). */
export function freePort(): Promise<number> {
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

/** Polls `url` until it answers anything (any status), or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before ${url} answered`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** The pid of the process listening on a loopback TCP port, found through /proc (needs the same user or root). */
export function pidListeningOn(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN.
      if (f.length > 9 && f[3] === '0A' && parseInt(f[1].split(':')[1], 16) === port) inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(entry);
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return undefined;
}
