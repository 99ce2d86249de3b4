import type { Call } from '../core/call.js';
import type { Store } from '../store/store.js';
import { cdrToCall } from './cdr-to-call.js';
import type { IngestProgress, IngestResult, RawRecord, RejectedRecord } from './types.js';

export interface IngestOptions {
  store: Pick<Store, 'insertCalls'>;
  /** Overrides any account id inside the documents (URL or `--account`). */
  accountId?: string;
  zoneOf: (number: string | null) => number | null;
  /** Calls per insertCalls; default 10000. */
  batchSize?: number;
  /** Called after every stored batch, and at the end if records came after the last batch. */
  onProgress?: (p: IngestProgress) => void;
  /** How many rejected records to list (all are counted); default 1000. */
  maxRejectedListed?: number;
  /**
   * Store nothing until the input has ended cleanly (HTTP bodies): a request that is cut off, over
   * its limit or not CDRs stores nothing. Memory is then bounded by the input's size limit.
   */
  holdUntilEnd?: boolean;
}

export const DEFAULT_BATCH_SIZE = 10_000;
export const DEFAULT_MAX_REJECTED_LISTED = 1000;

/**
 * Converts records to calls and stores them in batches. Each batch is awaited before more input is
 * read, so a slow store slows the reader instead of filling memory. Good records are stored even
 * when others are rejected; re-sent calls come back from the store as duplicates; documents that
 * are not CDRs (records with `skip`) are only counted.
 */
export async function ingestRecords(records: AsyncIterable<RawRecord | readonly RawRecord[]>, opts: IngestOptions): Promise<IngestResult> {
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  // While holding, batches only grow; they are stored in batchSize slices once the input ended.
  const flushAt = opts.holdUntilEnd === true ? Infinity : batchSize;
  const maxListed = opts.maxRejectedListed ?? DEFAULT_MAX_REJECTED_LISTED;
  const ctx = { accountId: opts.accountId, zoneOf: opts.zoneOf };
  const rejected: RejectedRecord[] = [];
  let rejectedCount = 0;
  let skipped = 0;
  let accepted = 0;
  let duplicates = 0;
  let seen = 0;
  let batch: Call[] = [];

  const reject = (r: RawRecord, reason: string): void => {
    rejectedCount++;
    if (rejected.length < maxListed) {
      rejected.push(r.line === undefined ? { index: r.index, reason } : { index: r.index, line: r.line, reason });
    }
  };
  let reportedAt = -1;
  // Progress speaks of the records up to the last committed batch, not of those parsed since.
  const progress = (records = seen, rejectedSoFar = rejectedCount, skippedSoFar = skipped): void => {
    reportedAt = records;
    opts.onProgress?.({ records, accepted, duplicates, rejected: rejectedSoFar, skipped: skippedSoFar });
  };
  // :TRICKY: one batch may be in flight while the next is parsed: the engine works on its own
  // threads, so parsing and storing overlap. Each batch is still its own transaction, committed in
  // order, and at most two batches are held in memory.
  let inFlight: Promise<void> | undefined;
  const flush = async (calls = batch): Promise<void> => {
    if (calls === batch) batch = [];
    if (inFlight) await inFlight;
    const records = seen;
    const rejectedSoFar = rejectedCount;
    const skippedSoFar = skipped;
    inFlight = opts.store.insertCalls(calls).then((result) => {
      accepted += result.inserted;
      duplicates += result.duplicates;
      progress(records, rejectedSoFar, skippedSoFar);
    });
    // A failed insert must surface at the next flush or at the end, never be dropped.
    inFlight.catch(() => undefined);
  };

  // Arrays (from readRecordBatches) are accepted too: one async step per chunk instead of per record.
  for await (const item of records) {
    const group: readonly RawRecord[] = Array.isArray(item) ? item : [item as RawRecord];
    for (let i = 0; i < group.length; i++) {
      const record = group[i];
      seen++;
      if (record.error !== undefined) {
        reject(record, record.error);
        continue;
      }
      if (record.skip !== undefined) {
        skipped++;
        continue;
      }
      if (record.call !== undefined) {
        const call = record.call;
        call.caller_zone_id = opts.zoneOf(call.caller_id_number);
        call.callee_zone_id = opts.zoneOf(call.callee_id_number);
        batch.push(call);
        if (batch.length >= flushAt) await flush();
        continue;
      }
      const converted = cdrToCall(record.doc, ctx);
      if (!converted.ok) {
        reject(record, converted.reason);
        continue;
      }
      batch.push(converted.call);
      if (batch.length >= flushAt) await flush();
    }
  }
  if (flushAt === Infinity) {
    const held = batch;
    batch = [];
    for (let i = 0; i < held.length; i += batchSize) await flush(held.slice(i, i + batchSize));
  } else if (batch.length > 0) await flush();
  if (inFlight) await inFlight;
  if (reportedAt !== seen) progress();
  return { accepted, duplicates, rejected, rejectedCount, skipped };
}
