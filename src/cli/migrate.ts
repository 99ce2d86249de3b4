import type { Call } from '../core/call.js';
import { loadConfig } from '../core/config.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { makeOutput, n, type Output } from './output.js';

/** Calls per insert: large batches keep ClickHouse's part count (and merges) low. */
const MIGRATE_BATCH = 20_000;

/** What a migration did, per kind of data. */
export interface MigrateReport {
  zones: number;
  keys: { copied: number; revoked: number };
  webhook_tokens: number;
  calls: { accounts: number; accounts_complete: number; copied: number; skipped: number };
  mismatches: { account: string; from: number; to: number }[];
}

/**
 * `callstats migrate --from STORE --to STORE`: copies zones (same ids), keys, webhook tokens and calls.
 * Resumable: an account whose count already matches is skipped, the others are re-streamed and the
 * idempotent insert drops what the destination holds (reported as skipped). Ends with a count check
 * per account; exit 1 on any mismatch.
 */
export async function runMigrate(opts: { from: string; to: string; json: boolean }): Promise<number> {
  const out = makeOutput(opts.json);
  if (opts.from === opts.to) {
    process.stderr.write('migrate: --from and --to name the same store\n');
    return 2;
  }
  const { duckdbMemory, queryTimeoutMs } = loadConfig();
  const from = await openStore(opts.from, { duckdbMemory, queryTimeoutMs });
  let to: Store | undefined;
  try {
    to = await openStore(opts.to, { duckdbMemory, queryTimeoutMs });
    const report = await migrate(from, to, out);
    const human = [
      `zones: ${n(report.zones)}; keys copied: ${report.keys.copied} (revoked ${report.keys.revoked}); webhook tokens copied: ${report.webhook_tokens}`,
      `calls: ${n(report.calls.copied)} copied, ${n(report.calls.skipped)} already present; ` +
        `${report.calls.accounts_complete} of ${report.calls.accounts} accounts were complete before`,
      ...report.mismatches.map((m) => `COUNT MISMATCH account ${m.account}: ${n(m.from)} in source, ${n(m.to)} in destination`),
      report.mismatches.length ? 'migration incomplete' : 'counts match for every account',
    ].join('\n');
    out.result(report, human);
    return report.mismatches.length ? 1 : 0;
  } finally {
    out.done();
    await Promise.all([from.close(), to?.close()]);
  }
}

/** Copies everything from `from` to `to`; safe to run again after an interruption. */
export async function migrate(from: Store, to: Store, out: Output): Promise<MigrateReport> {
  const zones = await from.listZones();
  await to.saveZones(zones);

  // Keys: insert the missing ones; a key revoked in the source is revoked in the destination too.
  const keysThere = new Map((await to.listKeys()).map((k) => [k.id, k]));
  const keys = { copied: 0, revoked: 0 };
  for (const key of await from.listKeys()) {
    const there = keysThere.get(key.id);
    if (!there) {
      await to.insertKey(key);
      keys.copied++;
    } else if (key.revoked && !there.revoked && (await to.revokeKey(key.id))) keys.revoked++;
  }
  const tokensThere = new Set((await to.listWebhookTokens()).map((t) => t.id));
  let tokens = 0;
  for (const token of await from.listWebhookTokens()) {
    if (tokensThere.has(token.id)) continue;
    await to.insertWebhookToken(token);
    tokens++;
  }

  // Reseller links (docs/accounts.md): recording a known one again changes nothing.
  for (const link of await from.listAccountParents()) await to.addAccountParent(link);

  const accounts = await from.accountCounts();
  const calls = { accounts: accounts.length, accounts_complete: 0, copied: 0, skipped: 0 };
  const total = accounts.reduce((s, a) => s + a.calls, 0);
  let done = 0;
  for (const [i, { account, calls: count }] of accounts.entries()) {
    // The resume point: an account already complete in the destination is not read again.
    if ((await to.countCalls(account)) === count) {
      calls.accounts_complete++;
      done += count;
      continue;
    }
    let batch: Call[] = [];
    const flush = async () => {
      const r = await to.insertCalls(batch);
      calls.copied += r.inserted;
      calls.skipped += r.duplicates;
      done += batch.length;
      batch = [];
      out.progress(`calls ${n(done)} / ${n(total)} (account ${i + 1} of ${accounts.length})`);
    };
    for await (const call of from.exportCalls(account)) {
      batch.push(call);
      if (batch.length >= MIGRATE_BATCH) await flush();
    }
    if (batch.length) await flush();
  }

  const mismatches: MigrateReport['mismatches'] = [];
  for (const { account, calls: count } of accounts) {
    const there = await to.countCalls(account);
    if (there !== count) mismatches.push({ account, from: count, to: there });
  }
  return { zones: zones.length, keys, webhook_tokens: tokens, calls, mismatches };
}
