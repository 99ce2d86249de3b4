import { CallstatsError, storeFull, storeUnavailable } from '../../core/errors.js';

/**
 * What a DuckDB error means for the store:
 * - `full`: the disk (or the temp directory) has no room; nothing of the failed write was kept.
 * - `invalidated`: DuckDB hit a fatal error and refuses every query until the instance is reopened.
 * - `durable`: the COMMIT reached the WAL, only the automatic checkpoint after it failed; the
 *   write is stored, but the instance still has to be reopened.
 * - `interrupted`: `interrupt()` stopped the statement (a deadline or an aborted stream).
 * - `memory`: the statement needed more than DuckDB's memory limit; only it failed, the instance is fine.
 */
export type DuckDBFault = 'full' | 'invalidated' | 'durable' | 'interrupted' | 'memory' | undefined;

const NO_SPACE = /No space left on device|ENOSPC|disk is full|not enough space/i;

export function classifyFault(err: unknown): { kind: DuckDBFault; noSpace: boolean } {
  if (err instanceof CallstatsError) return { kind: undefined, noSpace: false };
  const msg = err instanceof Error ? err.message : String(err);
  const noSpace = NO_SPACE.test(msg);
  // :TRICKY: DuckDB says "COMMIT succeeded and is durable, but the autocheckpoint failed" when the
  // WAL write worked and the checkpoint it triggered did not: the batch is stored and must be
  // acknowledged as such (answering 507 would make the client count it twice as "duplicates").
  if (/COMMIT succeeded and is durable/i.test(msg)) return { kind: 'durable', noSpace };
  if (/^FATAL|database has been invalidated|must be restarted/i.test(msg)) return { kind: 'invalidated', noSpace };
  if (/^INTERRUPT|Interrupted/i.test(msg)) return { kind: 'interrupted', noSpace };
  if (noSpace) return { kind: 'full', noSpace };
  if (/^Out of Memory Error/i.test(msg)) return { kind: 'memory', noSpace };
  return { kind: undefined, noSpace };
}

/**
 * The error a caller sees for a store fault: 507 when the disk is full, 503 when DuckDB had to be
 * reopened or a query needed more than `memoryLimit` (CALLSTATS_DUCKDB_MEMORY).
 */
export function faultError(err: unknown, memoryLimit: string): unknown {
  const { kind, noSpace } = classifyFault(err);
  const first = (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300);
  if (noSpace) return storeFull(first);
  if (kind === 'memory') {
    return storeUnavailable(`the embedded database ran out of memory (raise CALLSTATS_DUCKDB_MEMORY, now ${memoryLimit}): ${first}`);
  }
  if (kind === 'invalidated') return storeUnavailable(`the embedded database hit a fatal error and is being reopened: ${first}`);
  return err;
}
