import type { Database } from './database.js';
import { CALL_COLUMNS, maintenanceTransaction, nextRun } from './maintenance-tx.js';
import { PARTITION_FIRST, PARTITION_LAST } from './schema.js';

/** One month's run as `sorted_runs` lists it. */
export interface RunEntry {
  readonly run: number;
  /** UTC month, yyyymm. */
  readonly part: number;
  readonly calls: number;
}

/** A merge the policy asks for: these runs of one month become one. */
export interface MergeDue {
  readonly part: number;
  readonly runs: readonly number[];
  readonly calls: number;
}

/** Runs of one size tier merged together once this many of a month wait. */
export const MERGE_FAN_IN = 4;

/** A run of at least this many calls is never merged again (a month holds several of them). */
export const LARGE_RUN = 1_000_000;

/** A run's size tier: runs within a factor MERGE_FAN_IN of each other share it. */
export function runTier(calls: number, fanIn = MERGE_FAN_IN): number {
  return Math.floor(Math.log(Math.max(calls, 1)) / Math.log(fanIn));
}

/**
 * The tiered policy: the first month (oldest) with MERGE_FAN_IN runs of one tier below LARGE_RUN
 * merges them (the lowest such tier first). The merged run has at least fanIn times the tier's
 * least size, so it lands in a higher tier: a call is rewritten at most once per tier, about
 * log_fanIn(LARGE_RUN / step size) times over its life, and a large run never again.
 */
export function mergeDue(entries: readonly RunEntry[], fanIn = MERGE_FAN_IN, large = LARGE_RUN): MergeDue | undefined {
  const byPart = new Map<number, Map<number, RunEntry[]>>();
  for (const e of entries) {
    if (e.calls >= large || e.calls <= 0) continue;
    const tiers = byPart.get(e.part) ?? new Map<number, RunEntry[]>();
    byPart.set(e.part, tiers);
    const tier = runTier(e.calls, fanIn);
    tiers.set(tier, [...(tiers.get(tier) ?? []), e]);
  }
  for (const part of [...byPart.keys()].sort((a, b) => a - b)) {
    const tiers = byPart.get(part)!;
    for (const tier of [...tiers.keys()].sort((a, b) => a - b)) {
      const due = tiers.get(tier)!;
      if (due.length >= fanIn)
        return { part, runs: due.map((e) => e.run).sort((a, b) => a - b), calls: due.reduce((s, e) => s + e.calls, 0) };
    }
  }
  return undefined;
}

/**
 * [from, to) in UTC epoch seconds of the month yyyymm; the first partition has no lower bound and
 * the last no upper one, since they hold every call before and after them (schema.ts).
 */
export function partitionRange(part: number): [number, number] {
  const y = Math.floor(part / 100);
  const m = part % 100;
  return [part <= PARTITION_FIRST ? -Infinity : Date.UTC(y, m - 1, 1) / 1000, part >= PARTITION_LAST ? Infinity : Date.UTC(y, m, 1) / 1000];
}

/** The SQL condition for call_time in partitionRange(part). */
export function partitionWhere(part: number): string {
  const [from, to] = partitionRange(part);
  const bounds = [Number.isFinite(from) ? `call_time >= ${from}` : '', Number.isFinite(to) ? `call_time < ${to}` : ''];
  return bounds.filter((b) => b !== '').join(' AND ');
}

/** What one merge did. */
export interface MergeResult extends MergeDue {
  /** Calls rewritten (the runs' calls still stored). */
  readonly moved: number;
}

/**
 * Merges the runs the policy picks now (mergeDue over `sorted_runs`, a few hundred rows at any
 * store size) into one run of their month in (account, time, call_id) order; undefined when no
 * merge is due. Only that month's rows of those runs are read and rewritten: the WHERE hits
 * `call_time` and `run` zone maps, so the cost is the merged calls, not the store.
 *
 * :TRICKY: exact for the same reasons as the step (maintenance.ts): one transaction on its own
 * connection, so every snapshot sees the merged calls either in the old runs or in the new one,
 * never both or neither; a crash before COMMIT leaves the old runs. Ingest never touches
 * `calls_sorted`; re-zoning and prune, which do, wait on the maintenance lock.
 */
export async function mergeNext(db: Database, fanIn = MERGE_FAN_IN, large = LARGE_RUN): Promise<MergeResult | undefined> {
  let result: MergeResult | undefined;
  await maintenanceTransaction(db, async (c) => {
    const entries = (await c.runAndReadAll('SELECT run, part, calls FROM sorted_runs')).getRowsJS();
    const due = mergeDue(
      entries.map(([run, part, calls]) => ({ run: Number(run), part: Number(part), calls: Number(calls) })),
      fanIn,
      large,
    );
    if (!due) return 0;
    const runs = due.runs.map((r) => String(Math.trunc(r))).join(', ');
    const where = `${partitionWhere(due.part)} AND run IN (${runs})`;
    const run = await nextRun(c);
    const moved = Number(
      (
        await c.run(
          `INSERT INTO calls_sorted (${CALL_COLUMNS}, run) SELECT ${CALL_COLUMNS}, ${run} FROM calls_sorted WHERE ${where} ORDER BY account_id, call_time, call_id`,
        )
      ).rowsChanged,
    );
    const removed = moved === 0 ? 0 : Number((await c.run(`DELETE FROM calls_sorted WHERE ${where}`)).rowsChanged);
    if (removed !== moved) throw new Error(`merge copied ${moved} calls but removed ${removed}`);
    await c.run(`DELETE FROM sorted_runs WHERE part = ${due.part} AND run IN (${runs})`);
    // Runs whose calls were all pruned only lose their entries.
    if (moved > 0) await c.run(`INSERT INTO sorted_runs VALUES (${run}, ${due.part}, ${moved})`);
    result = { ...due, moved };
    return moved;
  });
  return result;
}
