import { CallstatsError } from '../core/errors.js';
import type { ErrorCode } from '../core/error-codes.js';
import type { BodyJob, BodyResult } from './body-records.js';
import type { InputFormat, RawRecord } from './types.js';
import { WorkerPool } from './worker-pool.js';

/** Ingest bodies parsed off the event loop: one pool of `size` workers, started with the first body. */
export interface BodyWorkers {
  /**
   * The records of a whole body: the same records, in the same order, as the route's reader and
   * ingestRecords' conversion give on the main thread (body-records.ts runs that very code), with
   * zones left to match. A body that is not CDRs is the reader's own 400. `bytes` is handed over.
   */
  records(bytes: Uint8Array, format: InputFormat, accountId: string | undefined): Promise<RawRecord[]>;
  close(): Promise<void>;
}

export function bodyWorkers(size: number): BodyWorkers {
  let pool: WorkerPool<BodyJob, BodyResult> | undefined;
  return {
    async records(bytes, format, accountId) {
      pool ??= new WorkerPool<BodyJob, BodyResult>('body-worker', size);
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      const owned = whole ? bytes : bytes.slice();
      const r = await pool.run({ bytes: owned, format, accountId }, [owned.buffer as ArrayBuffer]);
      if (r.failure === undefined) return r.records;
      if (r.failure.code === undefined) throw new Error(r.failure.message);
      throw new CallstatsError(r.failure.code as ErrorCode, r.failure.message, r.failure.data);
    },
    async close() {
      await pool?.close();
      pool = undefined;
    },
  };
}
