import { cdrToCall } from './cdr-to-call.js';
import type { ChunkJob, ChunkResult } from './ndjson-worker.js';
import { readRecordBatches } from './read-records.js';
import type { InputFormat, RawRecord } from './types.js';

/** A whole HTTP ingest body for a worker (worker-pool.ts): the import's chunk job, with the request's format and account. */
export interface BodyJob extends ChunkJob {
  format: InputFormat;
  accountId?: string;
}

/** A body's records (calls converted, zones still to match), or why the body is not CDRs. */
export interface BodyResult extends ChunkResult {
  /** A body refused whole (a 400 of the reader): its code, message and data, rebuilt as a CallstatsError by the route. */
  failure?: { code?: string; message: string; data?: Record<string, unknown> };
}

/** Bytes handed to the reader at a time: the size of the pieces an HTTP body streams in. */
const SLICE_BYTES = 64 * 1024;

function* slices(bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) yield bytes.subarray(at, at + SLICE_BYTES);
}

/**
 * The records of a whole ingest body, exactly as the route's reader (strict) gives them, with each
 * CDR converted to a call as ingestRecords would (zones are matched by the caller, which holds the
 * zone table). A body that is not CDRs throws the reader's 400. Records keep no parsed document:
 * skips and errors are only counted and listed.
 */
export async function bodyRecords(bytes: Uint8Array, format: InputFormat, accountId: string | undefined): Promise<RawRecord[]> {
  const ctx = { accountId, zoneOf: () => null };
  const out: RawRecord[] = [];
  for await (const batch of readRecordBatches(slices(bytes), format, { strict: true })) {
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i];
      const at = r.line === undefined ? { index: r.index } : { index: r.index, line: r.line };
      if (r.error !== undefined) out.push({ ...at, error: r.error });
      else if (r.skip !== undefined) out.push({ ...at, skip: r.skip });
      else if (r.call !== undefined) out.push({ ...at, call: r.call });
      else {
        const c = cdrToCall(r.doc, ctx);
        out.push(c.ok ? { ...at, call: c.call } : { ...at, error: c.reason });
      }
    }
  }
  return out;
}
