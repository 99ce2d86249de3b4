import { CallstatsError } from '../core/errors.js';
import { EXIT, type ErrorReport } from './output.js';

/** Hints for coded errors an operator meets at the command line; the message says what, the hint what to do. */
const HINTS: Partial<Record<string, string>> = {
  ERR_STORE_LOCKED: 'another process holds the DuckDB file (callstats serve, or a command still running): stop it or wait for it',
  ERR_STORE_UNAVAILABLE: 'check --store (or CALLSTATS_STORE) and that the store is running',
  ERR_STORE_TIMEOUT:
    'narrow the question, or raise the setting named above (CALLSTATS_QUERY_TIMEOUT, or CALLSTATS_IMPORT_TIMEOUT for an import)',
  ERR_STORE_FULL: 'free disk space beside the store, or `callstats prune --before DATE`',
  ERR_CONFIG: 'fix the setting in the environment (docs/operations.md lists every CALLSTATS_* setting)',
};

/** Node's codes for a file the user named that cannot be read. */
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

/** A closed reader (`| head`): the command ends quietly, with success. */
export function isClosedPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

/** What to print and the exit code for an error that ended a command (EXIT in output.ts). */
export function describeFailure(err: unknown): { report: ErrorReport; exit: number } {
  if (err instanceof CallstatsError) {
    const hint = HINTS[err.code];
    const report: ErrorReport = {
      error: err.code,
      message: err.message,
      ...(Object.keys(err.data).length ? { data: err.data } : {}),
      ...(hint ? { hint } : {}),
    };
    const exit = err.status < 500 ? EXIT.usage : err.status === 503 || err.status === 507 ? EXIT.store : EXIT.failed;
    return { report, exit };
  }
  const sys = err as NodeJS.ErrnoException | undefined;
  if (sys && typeof sys.code === 'string' && sys.code in FILE_ERRORS && typeof sys.path === 'string') {
    return {
      report: {
        error: 'ERR_FILE',
        message: `cannot read '${sys.path}': ${FILE_ERRORS[sys.code]}`,
        hint: "check the path ('-' reads standard input)",
      },
      exit: EXIT.usage,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    report: {
      error: 'ERR_INTERNAL',
      message: err instanceof Error && err.stack ? err.stack : message,
      hint: 'this is a bug in callstats: please report it with the command that was run',
    },
    exit: EXIT.internal,
  };
}
