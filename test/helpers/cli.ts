import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** What a `callstats` run printed and its exit code. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source in a child process; `input` goes to its stdin, which is then closed. */
export function runCli(args: string[], input?: string): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input ?? '');
  return once(child, 'close').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}
