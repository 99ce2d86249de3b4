/** One record read from an input, before conversion: a parsed document or the reason it could not be parsed. */
export interface RawRecord {
  /** 0-based position of the record in its input (array element, data line, CSV data row). */
  index: number;
  /** 1-based line where the record starts (NDJSON and CSV only). */
  line?: number;
  doc?: unknown;
  /** Set when the record cannot be parsed at all; later records still come. */
  error?: string;
  /** Set for a document that is not a CDR (design doc, ledger, another event): counted, not stored, not rejected. */
  skip?: string;
  /** Already converted (on a worker thread); only the zones are left to match. */
  call?: import('../core/call.js').Call;
}

/** Input formats `readRecords` understands; `auto` looks at the first bytes. */
export type InputFormat = 'auto' | 'json' | 'ndjson' | 'csv';

/** Anything that yields bytes or text: a file stream, stdin, a request body, an array of chunks. */
export type ByteSource = AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string> | NodeJS.ReadableStream;

/** A record that was not stored, and why. */
export interface RejectedRecord {
  index: number;
  line?: number;
  reason: string;
}

export interface IngestProgress {
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  skipped: number;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** The first `maxRejectedListed` rejected records; `rejectedCount` counts them all. */
  rejected: RejectedRecord[];
  rejectedCount: number;
  /** Documents that are not CDRs (docs/kazoo-inputs.md): neither stored nor rejected. */
  skipped: number;
}
