import { mkdirSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeFull } from '../../core/errors.js';
import type { Call } from '../../core/call.js';
import type { StagedCalls } from '../store.js';
import { BoundsTracker, encodeCallLine } from './call-csv.js';

/** A batch of calls encoded for `read_csv` (call-csv.ts), staged in a file; the store deletes the file once stored or refused. */
export type CsvBatch = StagedCalls;

let counter = 0;

/**
 * Where a store stages its batches: beside the store file (`<store>.ingest/`), so a full disk is
 * the store's own and fails before anything is written; the system temp dir for `:memory:`.
 */
export function stagingDir(storePath: string): string {
  const dir = storePath === ':memory:' ? join(tmpdir(), 'callstats-ingest') : `${storePath}.ingest`;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A fresh file name in `dir`, unique within this process. */
export function stagingFile(dir: string): string {
  return join(dir, `batch-${process.pid}-${++counter}.csv`);
}

/** Writes `parts` to `file`; a full disk is the store's 507 (nothing of the batch is stored). */
export async function writeStaged(file: string, parts: readonly (string | Uint8Array)[]): Promise<void> {
  try {
    const h = await open(file, 'w');
    try {
      // :TRICKY: a write may store only part of its bytes (a disk that is filling up); loop until all are written.
      for (const p of parts) {
        const buf = typeof p === 'string' ? Buffer.from(p) : p;
        for (let off = 0; off < buf.length;) off += (await h.write(buf, off, buf.length - off)).bytesWritten;
      }
    } finally {
      await h.close();
    }
  } catch (err) {
    await rm(file, { force: true }).catch(() => undefined);
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC')
      throw storeFull(`No space left on device: staging an ingest batch (${(err as Error).message})`);
    throw err;
  }
}

/** Lines per string joined before a write: one large write instead of one per call. */
const LINES_PER_PART = 4096;

/** Encodes calls (in order: the first of a repeated call wins) and stages them in a file of `dir`. */
export async function stageCalls(dir: string, calls: readonly Call[]): Promise<CsvBatch> {
  const bounds = new BoundsTracker();
  const parts: string[] = [];
  let maxLineBytes = 0;
  let lines: string[] = [];
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i];
    bounds.add(c);
    const line = encodeCallLine(i, c);
    // Characters bound bytes within ×3 (UTF-8); only long lines need their exact size.
    if (line.length * 3 > maxLineBytes) maxLineBytes = Math.max(maxLineBytes, Buffer.byteLength(line));
    lines.push(line);
    if (lines.length === LINES_PER_PART) {
      parts.push(lines.join(''));
      lines = [];
    }
  }
  if (lines.length) parts.push(lines.join(''));
  const file = stagingFile(dir);
  await writeStaged(file, parts);
  return { file, calls: calls.length, maxLineBytes, ...bounds.bounds() };
}
