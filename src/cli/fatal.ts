/**
 * Logs what kills the process before it exits 1: an exception nobody caught, a promise rejection
 * nobody handled. One `callstats: fatal:` line naming what happened and the pid, so a server that
 * dies leaves a line an operator can find (and alert on) in its journal, not only a bare stack.
 */
export function installFatalHandlers(write: (line: string) => void = (line) => process.stderr.write(line)): void {
  const die = (what: string) => (err: unknown) => {
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    write(`callstats: fatal: ${what} (pid ${process.pid}), exiting: ${detail}\n`);
    process.exitCode = 1;
    process.exit(1);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled promise rejection'));
}
