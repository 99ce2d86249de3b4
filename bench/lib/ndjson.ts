import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Writes each item of `gen` as one JSON line to `stream`, waiting for 'drain' when the stream's
 * buffer is full, so a multi-million CDR file never sits in memory. Lines are joined into ~64 KiB
 * chunks first: one write per CDR costs more than the JSON itself. Resolves with the count written.
 */
export async function writeNdjson(gen: Iterable<unknown>, stream: Writable, chunkBytes = 64 * 1024): Promise<number> {
  let count = 0;
  let chunk = '';
  for (const item of gen) {
    chunk += JSON.stringify(item) + '\n';
    count++;
    if (chunk.length >= chunkBytes) {
      const ok = stream.write(chunk);
      chunk = '';
      if (!ok) await once(stream, 'drain');
    }
  }
  if (chunk) stream.write(chunk);
  return count;
}

/** Writes `gen` as NDJSON to a file and waits until it is flushed and closed. */
export async function writeNdjsonFile(gen: Iterable<unknown>, path: string): Promise<number> {
  const { createWriteStream } = await import('node:fs');
  const out = createWriteStream(path);
  const count = await writeNdjson(gen, out);
  out.end();
  await once(out, 'finish');
  return count;
}
