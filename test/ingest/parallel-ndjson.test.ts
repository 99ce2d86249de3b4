import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readNdjsonParallel } from '../../src/ingest/parallel-ndjson.js';
import { cdrToCall, readRecordBatches, type RawRecord } from '../../src/ingest/index.js';
import { kazooCdr } from '../helpers/cdrs.js';

/** ~3 MB of NDJSON with blank lines, bad JSON, rejected CDRs and multi-byte text, fed in odd-sized chunks. */
function input(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 12_000; i++) {
    if (i % 997 === 0) lines.push('');
    if (i % 1499 === 0) lines.push('{"call_id": broken');
    const over = i % 701 === 0 ? { call_direction: 'sideways' } : { caller_id_name: `Chloé ${'🎉'.repeat(i % 5)} ${'x'.repeat(i % 97)}` };
    lines.push(JSON.stringify(kazooCdr(`p${i}`, 1_600_000_000 + i, over)));
  }
  return Buffer.from(lines.join('\n') + '\n');
}

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

test('worker-thread NDJSON gives the same records, lines and calls as the single-threaded reader', async () => {
  const buf = input();
  const expected: RawRecord[] = [];
  for await (const group of readRecordBatches(chunks(buf, 65_536), 'ndjson')) {
    for (const r of group) {
      if (r.error !== undefined) expected.push({ index: r.index, line: r.line, error: r.error });
      else {
        const c = cdrToCall(r.doc, { zoneOf: () => null });
        expected.push(c.ok ? { index: r.index, line: r.line, call: c.call } : { index: r.index, line: r.line, error: c.reason });
      }
    }
  }
  for (const workers of [1, 2]) {
    const got: RawRecord[] = [];
    for await (const group of readNdjsonParallel(chunks(buf, 777_777), { workers })) got.push(...group);
    assert.equal(got.length, expected.length);
    assert.deepEqual(got, expected, `workers=${workers}`);
  }
  assert.ok(expected.some((r) => r.error?.startsWith('invalid JSON')));
  assert.ok(expected.some((r) => r.error?.includes('call_direction')));
});
