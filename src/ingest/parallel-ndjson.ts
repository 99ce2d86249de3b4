import { Worker } from 'node:worker_threads';
import type { ChunkJob, ChunkResult, WorkerSetup } from './ndjson-worker.js';
import type { ByteSource, RawRecord } from './types.js';

/** Bytes of whole lines handed to a worker at a time. */
const CHUNK_BYTES = 1 << 20;

/**
 * NDJSON parsed and converted to calls on worker threads (the JSON parse is most of an import's
 * CPU). Yields the same records as readNdjson + cdrToCall, in input order, with `call` set (zones
 * still to match) or `error`. Lines are cut at newline bytes, so no UTF-8 sequence is split.
 */
export async function* readNdjsonParallel(input: ByteSource, opts: { workers: number; accountId?: string }): AsyncGenerator<RawRecord[]> {
  for await (const r of ndjsonChunksParallel(input, opts.workers, { accountId: opts.accountId })) yield r.records;
}

/**
 * The workers' results chunk by chunk, in input order, with each record's index and line made
 * absolute. With `setup.encode` the chunks carry their calls encoded (bulk-ingest.ts).
 */
export async function* ndjsonChunksParallel(input: ByteSource, workerCount: number, setup: WorkerSetup): AsyncGenerator<ChunkResult> {
  // Run from source (tests, tsx) the worker is TypeScript too and needs the same loader.
  const fromSource = import.meta.url.endsWith('.ts');
  const file = new URL(`./ndjson-worker${fromSource ? '.ts' : '.js'}`, import.meta.url);
  // :TRICKY: Node 20 workers ignore a loader given in execArgv, so from source a tiny shim
  // registers tsx inside the worker before importing it.
  const shim = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`;
  const workers = Array.from({ length: Math.max(1, workerCount) }, () =>
    fromSource ? new Worker(shim, { eval: true, workerData: setup }) : new Worker(file, { workerData: setup }),
  );
  const done = new Map<number, ChunkResult>();
  let wake: (() => void) | undefined;
  let failure: unknown;
  for (const w of workers) {
    w.on('message', (r: ChunkResult) => {
      done.set(r.seq, r);
      wake?.();
    });
    w.on('error', (err) => {
      failure = err;
      wake?.();
    });
  }
  const waitForResult = () => new Promise<void>((resolve) => (wake = resolve));

  let sent = 0;
  let next = 0;
  let lineBase = 0;
  let indexBase = 0;
  const send = (bytes: Uint8Array) => {
    const job: ChunkJob = { seq: sent, bytes };
    workers[sent % workers.length].postMessage(job, [bytes.buffer as ArrayBuffer]);
    sent++;
  };
  // Results in sequence; at most two chunks per worker in flight, so memory stays bounded.
  async function* drain(limit: number): AsyncGenerator<ChunkResult> {
    while (sent - next > limit) {
      while (!done.has(next)) {
        if (failure) throw failure;
        await waitForResult();
      }
      const r = done.get(next)!;
      done.delete(next);
      next++;
      for (const rec of r.records) {
        rec.index += indexBase;
        if (rec.line !== undefined) rec.line += lineBase;
      }
      lineBase += r.lines;
      indexBase += r.indexes;
      yield r;
    }
  }

  try {
    let carry: Buffer = Buffer.alloc(0);
    for await (const raw of input as AsyncIterable<Buffer | Uint8Array | string>) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      while (buf.length >= CHUNK_BYTES) {
        const cut = buf.lastIndexOf(10, CHUNK_BYTES * 2);
        if (cut === -1) break;
        send(Uint8Array.prototype.slice.call(buf, 0, cut + 1));
        buf = buf.subarray(cut + 1);
        yield* drain(workers.length * 2);
      }
      carry = Buffer.from(buf);
    }
    if (carry.length) send(Uint8Array.prototype.slice.call(carry, 0, carry.length));
    yield* drain(0);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
