import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { controlHeaders } from './control-channel.js';
import type { ServerHandle } from './remote-store.js';

/** Longest a liveness probe of a server handle waits for the control channel to answer. */
const PROBE_MS = 2_000;

/** `<store file>.server.json`, written by `serve` (mode 0600): how the CLI reaches it. */
export function writeHandleFile(path: string, handle: ServerHandle): () => void {
  writeFileSync(path, JSON.stringify(handle), { mode: 0o600 });
  chmodSync(path, 0o600);
  // Removed only while it is still ours: a later server may have replaced it.
  return () => {
    if (readHandleFile(path)?.controlToken === handle.controlToken) rmSync(path, { force: true });
  };
}

/** The handle in `path`, or undefined when there is none or it is not a handle. */
export function readHandleFile(path: string): ServerHandle | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  const h = parsed as Partial<ServerHandle> | null;
  if (!h || typeof h.url !== 'string' || typeof h.controlToken !== 'string' || typeof h.pid !== 'number') return undefined;
  return h as ServerHandle;
}

/** Why a handle is stale (its process is gone), or undefined when that process still runs. */
export function deadPid(handle: ServerHandle): string | undefined {
  if (!Number.isInteger(handle.pid) || handle.pid <= 0) return `its pid '${handle.pid}' is not a process id`;
  try {
    process.kill(handle.pid, 0);
    return undefined;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else; only ESRCH says it is gone.
    return (err as NodeJS.ErrnoException).code === 'ESRCH' ? `pid ${handle.pid} is not running` : undefined;
  }
}

/**
 * Why a handle is stale, or undefined when it is live: its process is gone, or its port does not
 * answer the control channel with this handle's token (another program, or a server that hangs).
 */
export async function staleReason(handle: ServerHandle): Promise<string | undefined> {
  const dead = deadPid(handle);
  if (dead) return dead;
  try {
    const res = await fetch(`${handle.url}/_local/rpc`, {
      method: 'POST',
      headers: controlHeaders(handle.controlToken),
      body: JSON.stringify({ method: 'countCalls', args: [] }),
      signal: AbortSignal.timeout(PROBE_MS),
    });
    await res.arrayBuffer();
    // A 404 is what anyone but the holder of this token gets: another server on that port.
    return res.status === 404 ? `${handle.url} does not know its control token` : undefined;
  } catch (err) {
    return `${handle.url} does not answer (${(err as Error).name === 'TimeoutError' ? `no answer within ${PROBE_MS / 1000} s` : (err as Error).message})`;
  }
}
