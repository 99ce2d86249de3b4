import { pushDocument } from './documents.js';
import { shortMessage } from './text-chunks.js';
import type { RawRecord } from './types.js';

/** A longer line is reported and skipped, so one runaway line cannot exhaust memory. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/**
 * NDJSON: one JSON document per line (any shape pushDocument reads), blank lines skipped (they take no index). A line that is not
 * valid JSON becomes an error record with its line number; the following lines still come.
 * Yields the records of each input chunk as one array: per-record async steps would dominate the cost.
 */
export async function* readNdjson(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord[]> {
  const parts: string[] = [];
  let partsChars = 0;
  let line = 0;
  let index = 0;
  let skipping = false;

  const take = (textValue: string, start: number, end: number, out: RawRecord[]): void => {
    line++;
    // Trim by hand (CR of CRLF, spaces, tabs): cheaper than slicing twice.
    while (start < end && isBlank(textValue.charCodeAt(start))) start++;
    while (end > start && isBlank(textValue.charCodeAt(end - 1))) end--;
    if (start === end) return;
    const at = index++;
    let doc: unknown;
    try {
      doc = JSON.parse(textValue.slice(start, end));
    } catch (err) {
      out.push({ index: at, line, error: `invalid JSON: ${shortMessage(err)}` });
      return;
    }
    pushDocument(at, line, doc, out);
  };

  for await (const chunk of chunks) {
    const out: RawRecord[] = [];
    let nl = chunk.indexOf('\n');
    if (nl === -1) {
      if (!skipping) {
        parts.push(chunk);
        partsChars += chunk.length;
        if (partsChars > MAX_LINE_CHARS) {
          out.push({ index: index++, line: line + 1, error: `line longer than ${MAX_LINE_CHARS} characters` });
          parts.length = 0;
          partsChars = 0;
          skipping = true;
        }
      }
      if (out.length > 0) yield out;
      continue;
    }
    let start = 0;
    if (skipping) {
      line++;
      skipping = false;
      start = nl + 1;
    } else if (parts.length > 0) {
      parts.push(chunk.slice(0, nl));
      const first = parts.join('');
      parts.length = 0;
      partsChars = 0;
      take(first, 0, first.length, out);
      start = nl + 1;
    }
    while ((nl = chunk.indexOf('\n', start)) !== -1) {
      take(chunk, start, nl, out);
      start = nl + 1;
    }
    if (start < chunk.length) {
      parts.push(chunk.slice(start));
      partsChars = chunk.length - start;
    }
    if (out.length > 0) yield out;
  }
  if (parts.length > 0 && !skipping) {
    const last = parts.join('');
    const out: RawRecord[] = [];
    take(last, 0, last.length, out);
    if (out.length > 0) yield out;
  }
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}
