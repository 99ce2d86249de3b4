import { StringDecoder } from 'node:string_decoder';
import type { ByteSource } from './types.js';

/**
 * Decodes a byte source into UTF-8 text chunks. StringDecoder keeps a multi-byte character that is
 * split across chunks until its last byte arrives, so a chunk boundary can fall anywhere. A leading
 * byte-order mark (Excel writes one into CSV) is dropped.
 */
export async function* decodeText(input: ByteSource): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let atStart = true;
  for await (const chunk of input as AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>) {
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else text = decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (atStart && text.length > 0) {
      atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length > 0) yield text;
  }
  const tail = decoder.end();
  if (tail.length > 0) yield tail;
}

/** Trims an error message from JSON.parse or elsewhere so a hostile input is not echoed in full. */
export function shortMessage(err: unknown, max = 160): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.length > max ? `${msg.slice(0, max)}…` : msg;
}
