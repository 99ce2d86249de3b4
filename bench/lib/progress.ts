/** Progress lines on stderr, so stdout stays the result table. */
export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Calls `report` at most every `everyMs`; long loops call `tick()` freely. */
export function throttle(report: () => void, everyMs = 5000): { tick(): void } {
  let last = Date.now();
  return {
    tick() {
      const now = Date.now();
      if (now - last >= everyMs) {
        last = now;
        report();
      }
    },
  };
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
