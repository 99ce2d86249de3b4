import { parentPort } from 'node:worker_threads';
import { CallstatsError } from '../core/errors.js';
import { bodyRecords, type BodyJob, type BodyResult } from './body-records.js';

/** A long-lived worker of `serve` (worker-pool.ts): parses and converts whole ingest bodies, one job at a time. */
parentPort!.on('message', (job: BodyJob) => {
  const bytes = new Uint8Array(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  bodyRecords(bytes, job.format, job.accountId).then(
    (records) => {
      const result: BodyResult = { seq: job.seq, records, lines: 0, indexes: records.length };
      parentPort!.postMessage(result);
    },
    (err: unknown) => {
      const failure =
        err instanceof CallstatsError
          ? { code: err.code, message: err.message, data: err.data }
          : { message: String((err as Error)?.message ?? err) };
      const result: BodyResult = { seq: job.seq, records: [], lines: 0, indexes: 0, failure };
      parentPort!.postMessage(result);
    },
  );
});
