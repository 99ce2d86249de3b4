import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { encodeChunk } from '../../src/ingest/encode-chunk.js';
import { cdrToCall } from '../../src/ingest/cdr-to-call.js';
import type { RawRecord } from '../../src/ingest/types.js';
import { kazooCdr } from '../helpers/cdrs.js';

/** Converted calls as a worker holds them before encoding, one per caller name. */
function records(names: string[]): RawRecord[] {
  return names.map((name, i) => {
    const c = cdrToCall(kazooCdr(`c${i}`, 1_600_000_000 + i, { caller_id_name: name }), { zoneOf: () => null });
    assert.ok(c.ok);
    return { index: i, line: i + 1, call: c.call as Call };
  });
}

/** The longest line's bytes, newline included, as the reader's max_line_size must allow. */
function longest(ends: number[]): number {
  return Math.max(...ends.map((e, i) => e - (i === 0 ? 0 : ends[i - 1])));
}

/** Each line's end as the bytes say it: just after each newline. */
function newlineEnds(bytes: Uint8Array): number[] {
  const out: number[] = [];
  bytes.forEach((b, i) => b === 10 && out.push(i + 1));
  return out;
}

const encode = encodeChunk({ zones: [] });

test('an all-ASCII chunk: each call ends where its line does in the bytes, and the longest line is measured in bytes', () => {
  const { encoded, records: kept } = encode(0, records(['Alice', 'Bob "B", Jr.', '', 'x'.repeat(300)]));
  assert.deepEqual(kept, []);
  assert.equal(encoded.calls, 4);
  assert.deepEqual([...encoded.ends], newlineEnds(encoded.bytes));
  assert.equal(encoded.ends[3], encoded.bytes.length);
  assert.equal(encoded.maxLineBytes, longest(newlineEnds(encoded.bytes)));
});

test('a chunk with non-ASCII lines (Cyrillic, an emoji, a lone surrogate): ends count UTF-8 bytes, not characters', () => {
  const { encoded } = encode(1, records(['Alice', 'Борис', '🎉 party', 'lone \ud800 half', 'Zoë']));
  assert.equal(encoded.calls, 5);
  assert.deepEqual([...encoded.ends], newlineEnds(encoded.bytes));
  // The lone surrogate is written as U+FFFD (3 bytes), as the appender stored it.
  const text = new TextDecoder().decode(encoded.bytes);
  assert.ok(text.includes('"lone \ufffd half"'));
  assert.equal(encoded.ends[4], encoded.bytes.length);
  assert.equal(encoded.maxLineBytes, longest(newlineEnds(encoded.bytes)));
  // The emoji line's length in UTF-16 units is not its byte length: the bound is in bytes.
  const emoji = newlineEnds(encoded.bytes)[2] - newlineEnds(encoded.bytes)[1];
  assert.ok(encoded.maxLineBytes >= emoji);
});
