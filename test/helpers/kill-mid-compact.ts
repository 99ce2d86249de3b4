import { spawn } from 'node:child_process';

const STORE_MODULE = new URL('../../src/store/duckdb/duckdb-store.ts', import.meta.url).pathname;

/**
 * Opens the DuckDB file `path` in a child process, starts `compact()` there and SIGKILLs the child
 * 150 ms after it says `marker` (the step's INSERT is then running: the callers' stores take well
 * over that). Returns what the child printed: `${marker}\n` when it died before the step
 * committed, with `done\n` after it when the step finished first.
 */
export async function killMidCompact(path: string, marker: string): Promise<string> {
  const script = `
      import { DuckDBStore } from ${JSON.stringify(STORE_MODULE)};
      const s = new DuckDBStore(${JSON.stringify(path)}, { memoryLimit: '512MB' });
      await s.init();
      process.stdout.write(${JSON.stringify(`${marker}\n`)});
      await s.compact();
      process.stdout.write('done\\n');
      setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`${marker}\n`)) setTimeout(resolve, 150);
    });
    child.on('exit', () => reject(new Error(`child exited early: ${out}`)));
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  return out;
}
