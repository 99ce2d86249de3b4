/** Output helpers: human text on a terminal, JSON with `--json`, progress only on a TTY. */
export interface Output {
  json: boolean;
  /** A result: printed as JSON with --json, else as the human text. */
  result(value: unknown, human: string): void;
  /** A progress line, redrawn in place on a terminal's stderr; silent otherwise. */
  progress(line: string): void;
  done(): void;
}

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

/** A usage error: one line on stderr, exit code 2. */
export function usage(message: string): number {
  process.stderr.write(`callstats: ${message}\n`);
  return 2;
}
