import { timingSafeEqual } from 'node:crypto';

/**
 * The loopback control channel between the CLI and a running `serve` (docs/architecture.md,
 * "One writer"): the header both sides send and check, who may use it, and which Store methods
 * it forwards. Kept in store/ so the API (which answers) and the CLI and RemoteStore (which
 * call) import one definition.
 */
export const CONTROL_HEADER = 'x-callstats-control';

/** Store methods the CLI may call on a running server through `/_local/rpc`. */
export const RPC_METHODS = [
  'insertCalls',
  'countCalls',
  'listZones',
  'saveZones',
  'distinctNumbers',
  'applyZones',
  'insertKey',
  'getKey',
  'listKeys',
  'revokeKey',
  'insertWebhookToken',
  'getWebhookToken',
  'listWebhookTokens',
  'revokeWebhookToken',
  'addAccountParent',
  'listAccountParents',
  'all',
  'compact',
  'unsortedCalls',
  'callTimeRange',
  // retention and a consistent snapshot while serve holds the file (cli/prune.ts, cli/backup.ts)
  'prune',
  'backup',
] as const;
export type RpcMethod = (typeof RPC_METHODS)[number];

/** Headers of a control request carrying `token`. */
export function controlHeaders(token: string): Record<string, string> {
  return { 'content-type': 'application/json', [CONTROL_HEADER]: token };
}

/** True for a loopback peer address (IPv4 127/8, IPv6 ::1, IPv4-mapped 127.0.0.1). */
export function isLoopback(address: string | undefined): boolean {
  return address === '::1' || address === '::ffff:127.0.0.1' || !!address?.startsWith('127.');
}

/**
 * True when a request presents the expected control token from a loopback address, compared in
 * constant time: the same people who could read the token file beside the store.
 */
export function isControlPeer(expected: string | undefined, presented: unknown, address: string | undefined): boolean {
  if (expected === undefined || typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  // timingSafeEqual needs equal lengths; the length itself is not the secret.
  return a.length === b.length && timingSafeEqual(a, b) && isLoopback(address);
}
