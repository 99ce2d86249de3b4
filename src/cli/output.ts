/** Output helpers: human text on a terminal, JSON with `--json`, progress only on a TTY. */
export interface Output {
  json: boolean;
  /** A result: printed as JSON with --json, else as the human text. */
  result(value: unknown, human: string): void;
  /** A progress line, redrawn in place on a terminal's stderr; silent otherwise. */
  progress(line: string): void;
  done(): void;
}

/** The exit codes of `callstats` (docs/cli.md lists them). */
export const EXIT = {
  ok: 0,
  /** The command ran, but some of its work failed: rejected records, deck lines, a feed that stopped. */
  failed: 1,
  /** The command line or a value on it is wrong: unknown command or flag, bad value, missing file. */
  usage: 2,
  /** The store (or the running server) cannot be reached, did not answer in time, or is full. */
  store: 3,
  /** A bug: an unexpected error, printed with its stack. */
  internal: 4,
} as const;

export function makeOutput(json: boolean, stderr: NodeJS.WriteStream = process.stderr): Output {
  const tty = !json && stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    json,
    result(value, human) {
      process.stdout.write(json ? JSON.stringify(value) + '\n' : human.endsWith('\n') ? human : human + '\n');
    },
    progress(line) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      stderr.write(`\r\x1b[2K${line}`);
    },
    done() {
      if (shown) stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** Thousands separators for human output. */
export function n(value: number): string {
  return value.toLocaleString('en-US');
}

/** What a failed command says: `{"error": code, "message", "data"?, "hint"?}` with --json. */
export interface ErrorReport {
  error: string;
  message: string;
  data?: Record<string, unknown>;
  hint?: string;
}

let jsonErrors = false;

/** With `--json` (main.ts sets this first), errors are one JSON object on stderr. */
export function setJsonErrors(on: boolean): void {
  jsonErrors = on;
}

/** Writes one error: a JSON line with --json, else `callstats: MESSAGE [DATA]` and a `hint:` line. */
export function writeError(report: ErrorReport): void {
  if (jsonErrors) {
    process.stderr.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const data = report.data && Object.keys(report.data).length ? ` ${JSON.stringify(report.data)}` : '';
  process.stderr.write(`callstats: ${report.message}${data}\n${report.hint ? `hint: ${report.hint}\n` : ''}`);
}

/** A usage error: one line on stderr (JSON with --json), exit code 2; `code` ERR_FILE for a file that cannot be read. */
export function usage(message: string, hint?: string, code: 'ERR_USAGE' | 'ERR_FILE' = 'ERR_USAGE'): number {
  writeError({ error: code, message, ...(hint ? { hint } : {}) });
  return EXIT.usage;
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
export function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as { destroyed?: boolean }).destroyed) return resolve();
    stream.write('', () => resolve());
  });
}
