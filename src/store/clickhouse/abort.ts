/** Helpers that bound a request by an abort signal (connection.ts, external.ts). */

/** A failure before any answer on a reused keep-alive socket (the server closed or restarted meanwhile). */
export function isStaleSocket(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : '';
  return code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message);
}

/** Runs `read` on an open result set, which is closed (its response destroyed) if `signal` aborts meanwhile. */
export async function whileOpen<T>(result: { close(): void }, signal: AbortSignal, read: () => Promise<T>): Promise<T> {
  const close = () => result.close();
  if (signal.aborted) close();
  else signal.addEventListener('abort', close, { once: true });
  try {
    return await read();
  } finally {
    signal.removeEventListener('abort', close);
  }
}

/** `work`, or a rejection as soon as `signal` aborts (`work` is left to finish or fail alone). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  work.catch(() => undefined); // once the caller has its answer, the abandoned request's failure goes nowhere
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort!));
}

export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}
