import type { Store } from '../store/store.js';
import { makeOutput, n } from './output.js';
import { CallstatsError } from '../core/errors.js';

export interface PruneOptions {
  store: Store;
  /** UTC epoch seconds: calls that started before it go. */
  before: number;
  account?: string;
  dryRun: boolean;
  json: boolean;
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** `callstats prune --before DATE [--account ID] [--dry-run]`: retention on either engine, directly or through a running server. */
export async function runPrune(opts: PruneOptions): Promise<number> {
  const out = makeOutput(opts.json);
  if (!opts.store.prune) {
    throw new CallstatsError('ERR_NOT_SUPPORTED', `this store (${opts.store.dialect}) cannot prune`);
  }
  out.progress(`${opts.dryRun ? 'counting' : 'deleting'} calls before ${iso(opts.before)} ...`);
  const r = await opts.store.prune(opts.before, opts.account, opts.dryRun);
  out.done();
  const whose = opts.account ? ` of account ${opts.account}` : '';
  const space = r.bytesBefore !== undefined ? `; store ${mb(r.bytesBefore)} → ${mb(r.bytesAfter)}` : '';
  out.result(
    { ...r, before: iso(opts.before), ...(opts.account ? { account: opts.account } : {}) },
    r.dryRun
      ? `${n(r.deleted)} calls${whose} started before ${iso(opts.before)}; nothing deleted (--dry-run)`
      : `${n(r.deleted)} calls${whose} deleted (started before ${iso(opts.before)})${space} in ${r.seconds.toFixed(1)} s`,
  );
  return 0;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
