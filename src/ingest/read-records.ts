import { CallstatsError } from '../core/errors.js';
import { readCsv } from './csv.js';
import { JsonSplitter } from './json-splitter.js';
import { readNdjson } from './ndjson.js';
import { decodeText } from './text-chunks.js';
import type { ByteSource, InputFormat, RawRecord } from './types.js';

/** How much text may be held while deciding whether `{...` is a wrapper object or NDJSON. */
const PROBE_LIMIT_CHARS = 4 * 1024 * 1024;

/**
 * Reads CDR records from bytes of any size with flat memory: a JSON array, a CouchDB
 * `_all_docs?include_docs=true` dump, a crossbar `{"data": [...]}` envelope, NDJSON or CSV with a
 * header row. `auto` decides from the first non-blank character: `[` → JSON, `{` → wrapper
 * object, NDJSON or a lone document (see `probeObject`), anything else → CSV.
 */
export async function* readRecords(input: ByteSource, format: InputFormat = 'auto'): AsyncGenerator<RawRecord> {
  for await (const batch of readRecordBatches(input, format)) {
    for (let i = 0; i < batch.length; i++) yield batch[i];
  }
}

export interface ReadOptions {
  /**
   * An HTTP body (SPEC 2.7): it must be CDRs. An empty body, a top-level value that is not a list,
   * a wrapper or a CDR object, `{"data": 5}` and input cut inside a value throw a 400 instead of
   * becoming error records; there is no CSV. NDJSON keeps one error record per bad line.
   */
  strict?: boolean;
}

/** 400 for a body that is not CDRs; `reason` says what was wrong. */
export function notCdrs(reason: string): CallstatsError {
  return new CallstatsError('ERR_BODY', 'body is not CDRs', { body: reason });
}

/** Same as readRecords, one array per input chunk: cheaper for callers that loop anyway. */
export async function* readRecordBatches(
  input: ByteSource,
  format: InputFormat = 'auto',
  options: ReadOptions = {},
): AsyncGenerator<RawRecord[]> {
  const strict = options.strict === true;
  const chunks = decodeText(input)[Symbol.asyncIterator]();
  if (format === 'ndjson') return yield* strict ? nonEmpty(readNdjson(iterate(chunks))) : readNdjson(iterate(chunks));
  if (format === 'csv') return yield* readCsv(iterate(chunks));
  if (format === 'json') return yield* splitJson(new JsonSplitter(), [], chunks, [], strict);

  const held: string[] = [];
  let first = -1;
  while (first === -1) {
    const next = await chunks.next();
    if (next.done) {
      if (strict) throw notCdrs('empty');
      return;
    }
    held.push(next.value);
    first = firstNonBlank(next.value);
  }
  const c = held[held.length - 1][first];
  if (c === '[' || (strict && c !== '{')) return yield* splitJson(new JsonSplitter(), held, chunks, [], strict);
  if (c !== '{') return yield* readCsv(iterate(chunks, held));
  return yield* probeObject(held, chunks, strict);
}

/** NDJSON in strict mode: a body without a single line is empty, not a batch of none. */
async function* nonEmpty(batches: AsyncGenerator<RawRecord[]>): AsyncGenerator<RawRecord[]> {
  let any = false;
  for await (const batch of batches) {
    any ||= batch.length > 0;
    yield batch;
  }
  if (!any) throw notCdrs('empty');
}

/**
 * Input starting with `{`: feed a splitter until it can tell. A top-level `rows`/`data` array means
 * a wrapper (keep the splitter going). A first object that ends on its own line means NDJSON
 * (replay the held text through the line reader, which recovers from a bad line). A first object
 * spanning lines means pretty-printed JSON documents. A raw line break inside a string, or input
 * that ends undecided, can only be NDJSON with broken lines.
 */
async function* probeObject(held: string[], chunks: AsyncIterator<string>, strict: boolean): AsyncGenerator<RawRecord[]> {
  const splitter = new JsonSplitter();
  const out: RawRecord[] = [];
  let heldChars = 0;
  for (const h of held) {
    splitter.push(h, out);
    heldChars += h.length;
  }
  for (;;) {
    if (strict && splitter.bodyErrorFirst) throw notCdrs(splitter.bodyError!);
    if (splitter.wrapperFound || (splitter.topValuesDone > 0 && splitter.multiline) || heldChars > PROBE_LIMIT_CHARS) {
      return yield* splitJson(splitter, [], chunks, out, strict);
    }
    if (splitter.newlineInString || splitter.failed || splitter.topValuesDone > 0) break;
    const next = await chunks.next();
    if (next.done) {
      // A strict body that ends undecided (`{not json`) is unterminated JSON, not a broken NDJSON line.
      if (strict) return yield* splitJson(splitter, [], chunks, out, strict);
      break;
    }
    held.push(next.value);
    heldChars += next.value.length;
    splitter.push(next.value, out);
  }
  return yield* readNdjson(iterate(chunks, held));
}

async function* splitJson(
  splitter: JsonSplitter,
  held: string[],
  chunks: AsyncIterator<string>,
  pending: RawRecord[] = [],
  strict = false,
): AsyncGenerator<RawRecord[]> {
  let out = pending;
  for await (const chunk of iterate(chunks, held)) {
    splitter.push(chunk, out);
    if (strict && splitter.bodyError !== undefined) throw notCdrs(splitter.bodyError);
    if (out.length > 0) {
      yield out;
      out = [];
    }
  }
  splitter.end(out);
  if (strict && splitter.bodyError !== undefined) throw notCdrs(splitter.bodyError);
  if (out.length > 0) yield out;
}

/** Held chunks first, then the rest of the iterator (which must not be restarted). */
async function* iterate(chunks: AsyncIterator<string>, held: readonly string[] = []): AsyncGenerator<string> {
  yield* held;
  for (;;) {
    const next = await chunks.next();
    if (next.done) return;
    yield next.value;
  }
}

function firstNonBlank(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
  }
  return -1;
}
