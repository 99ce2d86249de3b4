import { parentPort, workerData } from 'node:worker_threads';
import { cdrToCall } from './cdr-to-call.js';
import { pushDocument } from './documents.js';
import { isAscii } from 'node:buffer';
import { MAX_LINE_CHARS } from './ndjson.js';
import { shortMessage } from './text-chunks.js';
import type { RawRecord } from './types.js';
import { encodeChunk, type EncodedCalls, type EncodeSetup } from './encode-chunk.js';

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
  /** With `encode`: the chunk's calls, zoned and encoded for the store's bulk reader; `records` then holds only errors and skips. */
  encoded?: EncodedCalls;
}

/** What a worker is started with. */
export interface WorkerSetup {
  accountId?: string;
  /** Zone and encode calls here (the bulk import); without it, calls go back as objects to be zoned on the main thread. */
  encode?: EncodeSetup;
}

const setup = (workerData as WorkerSetup | undefined) ?? {};
const accountId = setup.accountId;
// Zones are matched where the calls are encoded; otherwise on the main thread, which holds the zone table once.
const ctx = { accountId, zoneOf: () => null };
const encoder = setup.encode === undefined ? undefined : encodeChunk(setup.encode);

const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 13;

/**
 * The chunk's records, as readNdjson would give them for the same text.
 * :TRICKY: each line is decoded on its own — an ASCII line as latin1, a one-byte copy — instead
 * of decoding the whole chunk: one non-ASCII character anywhere makes V8 build the whole chunk as
 * a slow two-byte string (~11 ms per MB against ~1.5 ms), and JSON.parse is slower on it too.
 */
function records(bytes: Buffer): { records: RawRecord[]; lines: number } {
  // A leading byte-order mark is dropped, as TextDecoder would.
  let start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const out: RawRecord[] = [];
  if (bytes.indexOf(10, start) === -1 && bytes.length - start > MAX_LINE_CHARS) {
    // A chunk is cut at newlines, so this is one runaway line: readNdjson's rule, without decoding it.
    return { records: [{ index: 0, line: 1, error: `line longer than ${MAX_LINE_CHARS} characters` }], lines: 0 };
  }
  let line = 0;
  let lines = 0;
  const held: RawRecord[] = [];
  let index = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(10, start);
    const end = nl === -1 ? bytes.length : nl;
    if (nl !== -1) lines++;
    line++;
    let s = start;
    let e = end;
    while (s < e && isBlank(bytes[s])) s++;
    while (e > s && isBlank(bytes[e - 1])) e--;
    start = end + 1;
    if (s === e) continue;
    const at = index++;
    const slice = bytes.subarray(s, e);
    let doc: unknown;
    try {
      doc = JSON.parse(isAscii(slice) ? bytes.toString('latin1', s, e) : bytes.toString('utf8', s, e));
    } catch (err) {
      out.push({ index: at, line, error: `invalid JSON: ${shortMessage(err)}` });
      continue;
    }
    held.length = 0;
    pushDocument(at, line, doc, held);
    for (const r of held) {
      if (r.skip !== undefined || r.error !== undefined) {
        out.push(r);
        continue;
      }
      const c = cdrToCall(r.doc, ctx);
      out.push(c.ok ? { index: at, line, call: c.call } : { index: at, line, error: c.reason });
    }
  }
  return { records: out, lines };
}

parentPort!.on('message', (job: ChunkJob) => {
  const { records: recs, lines } = records(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength));
  const indexes = recs.length === 0 ? 0 : recs[recs.length - 1].index + 1;
  if (encoder === undefined) {
    const result: ChunkResult = { seq: job.seq, records: recs, lines, indexes };
    parentPort!.postMessage(result);
    return;
  }
  const { records: kept, encoded } = encoder(job.seq, recs);
  const result: ChunkResult = { seq: job.seq, records: kept, lines, indexes, encoded };
  parentPort!.postMessage(result, [encoded.bytes.buffer as ArrayBuffer, encoded.ends.buffer as ArrayBuffer]);
});
