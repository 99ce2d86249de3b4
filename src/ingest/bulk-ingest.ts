import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { storeFull } from '../core/errors.js';
import type { InsertResult, StagedCalls } from '../store/store.js';
import type { ChunkResult } from './ndjson-worker.js';
import type { IngestProgress, IngestResult, RawRecord, RejectedRecord } from './types.js';
import { DEFAULT_MAX_REJECTED_LISTED } from './ingest-records.js';

/** A store that takes staged batches (DuckDB). */
export interface StagingStore {
  stagingDir(): string;
  insertStaged(batch: StagedCalls): Promise<InsertResult>;
}

export interface BulkIngestOptions {
  store: StagingStore;
  /** Calls per staged batch (one transaction each). */
  batchSize: number;
  onProgress?: (p: IngestProgress) => void;
  maxRejectedListed?: number;
}

let files = 0;

/** A batch file being written: chunks' encoded bytes appended as they arrive. */
class StagedFile {
  readonly file: string;
  calls = 0;
  maxLineBytes = 0;
  readonly accounts = new Set<string>();
  min = Infinity;
  max = -Infinity;
  private handle: Promise<FileHandle>;

  constructor(dir: string) {
    this.file = join(dir, `import-${process.pid}-${++files}.csv`);
    this.handle = open(this.file, 'w');
  }

  /** Appends the chunk's calls `from` … `to` (exclusive); the chunk's bounds cover any part of it. */
  async append(e: NonNullable<ChunkResult['encoded']>, from: number, to: number): Promise<void> {
    if (to <= from) return;
    const h = await this.handle;
    const start = from === 0 ? 0 : e.ends[from - 1];
    const end = e.ends[to - 1];
    // :TRICKY: a write may store only part of its bytes (a disk that is filling up); loop until all are written.
    for (let off = start; off < end;) off += (await h.write(e.bytes, off, end - off)).bytesWritten;
    this.calls += to - from;
    this.maxLineBytes = Math.max(this.maxLineBytes, e.maxLineBytes);
    for (const a of e.accounts) this.accounts.add(a);
    this.min = Math.min(this.min, e.minCallTime);
    this.max = Math.max(this.max, e.maxCallTime);
  }

  async close(): Promise<StagedCalls> {
    await (await this.handle).close();
    return {
      file: this.file,
      calls: this.calls,
      maxLineBytes: this.maxLineBytes,
      accounts: [...this.accounts],
      minCallTime: this.min,
      maxCallTime: this.max,
    };
  }

  async discard(): Promise<void> {
    await (await this.handle.catch(() => undefined))?.close().catch(() => undefined);
    await rm(this.file, { force: true }).catch(() => undefined);
  }
}

/** A full disk while staging is the store's 507, like one inside the engine; nothing of the batch is stored. */
function stagingFault(err: unknown): unknown {
  if ((err as NodeJS.ErrnoException).code === 'ENOSPC')
    return storeFull(`No space left on device: staging an import batch (${(err as Error).message})`);
  return err;
}

/**
 * The bulk import (`callstats import` of NDJSON into DuckDB): the workers convert, zone and encode
 * each chunk's calls (encode-chunk.ts); this thread appends their bytes to a staged batch file and
 * hands each full file to the store — no call object and no appender here. The results are the
 * same as ingestRecords': batches of `batchSize` calls, each one transaction committed in order,
 * one in flight while the next is written, rejected records listed with their line, non-CDRs
 * counted as skipped.
 */
export async function ingestStaged(chunks: AsyncIterable<ChunkResult>, opts: BulkIngestOptions): Promise<IngestResult> {
  const maxListed = opts.maxRejectedListed ?? DEFAULT_MAX_REJECTED_LISTED;
  const dir = opts.store.stagingDir();
  const rejected: RejectedRecord[] = [];
  let rejectedCount = 0;
  let skipped = 0;
  let accepted = 0;
  let duplicates = 0;
  let seen = 0;
  let reportedAt = -1;
  const progress = (records = seen, rejectedSoFar = rejectedCount, skippedSoFar = skipped): void => {
    reportedAt = records;
    opts.onProgress?.({ records, accepted, duplicates, rejected: rejectedSoFar, skipped: skippedSoFar });
  };
  const reject = (r: RawRecord, reason: string): void => {
    rejectedCount++;
    if (rejected.length < maxListed)
      rejected.push(r.line === undefined ? { index: r.index, reason } : { index: r.index, line: r.line, reason });
  };
  let current: StagedFile | undefined;
  let inFlight: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    const staged = current!;
    current = undefined;
    const batch = await staged.close().catch(async (err) => {
      await staged.discard();
      throw stagingFault(err);
    });
    if (inFlight) await inFlight;
    const records = seen;
    const rejectedSoFar = rejectedCount;
    const skippedSoFar = skipped;
    inFlight = opts.store.insertStaged(batch).then((result) => {
      accepted += result.inserted;
      duplicates += result.duplicates;
      progress(records, rejectedSoFar, skippedSoFar);
    });
    // A failed insert must surface at the next flush or at the end, never be dropped.
    inFlight.catch(() => undefined);
  };
  try {
    for await (const chunk of chunks) {
      const e = chunk.encoded!;
      // Records (errors, skips) and calls of one chunk: the calls are counted as seen with their chunk.
      seen += chunk.records.length + e.calls;
      for (const r of chunk.records) {
        if (r.error !== undefined) reject(r, r.error);
        else if (r.skip !== undefined) skipped++;
      }
      // Batches hold exactly batchSize calls (the last one fewer), as ingestRecords' do: a batch may end inside a chunk.
      for (let from = 0; from < e.calls;) {
        current ??= new StagedFile(dir);
        const to = Math.min(e.calls, from + opts.batchSize - current.calls);
        await current.append(e, from, to).catch((err) => {
          throw stagingFault(err);
        });
        from = to;
        if (current.calls >= opts.batchSize) await flush();
      }
    }
    if (current) await flush();
    if (inFlight) await inFlight;
  } finally {
    await current?.discard();
  }
  if (reportedAt !== seen) progress();
  return { accepted, duplicates, rejected, rejectedCount, skipped };
}
