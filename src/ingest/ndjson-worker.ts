import { parentPort, workerData } from 'node:worker_threads';
import { cdrToCall } from './cdr-to-call.js';
import { readNdjson } from './ndjson.js';
import type { RawRecord } from './types.js';

/** A chunk of whole NDJSON lines to parse and convert, numbered so results can be put back in order. */
export interface ChunkJob {
  seq: number;
  bytes: Uint8Array;
}

/** Records of one chunk, with line and index relative to the chunk, and how many of each it held. */
export interface ChunkResult {
  seq: number;
  records: RawRecord[];
  lines: number;
  indexes: number;
}

const accountId = (workerData as { accountId?: string } | undefined)?.accountId;
const decoder = new TextDecoder();
// Zones are matched on the main thread, which holds the zone table once.
const ctx = { accountId, zoneOf: () => null };

parentPort!.on('message', async (job: ChunkJob) => {
  const text = decoder.decode(job.bytes);
  const records: RawRecord[] = [];
  async function* one(): AsyncGenerator<string> {
    yield text;
  }
  for await (const group of readNdjson(one())) {
    for (const r of group) {
      if (r.error !== undefined) records.push(r);
      else {
        const c = cdrToCall(r.doc, ctx);
        records.push(c.ok ? { index: r.index, line: r.line, call: c.call } : { index: r.index, line: r.line, error: c.reason });
      }
    }
  }
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  const indexes = records.length === 0 ? 0 : records[records.length - 1].index + 1;
  const result: ChunkResult = { seq: job.seq, records, lines, indexes };
  parentPort!.postMessage(result);
});
