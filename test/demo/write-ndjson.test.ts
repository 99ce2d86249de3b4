import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { writeNdjson } from '../../bench/lib/ndjson.js';

describe('writeNdjson', () => {
  it('writes one JSON document per line and waits for drain when the stream is full', async () => {
    const received: string[] = [];
    let drains = 0;
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, done) {
        received.push(chunk.toString('utf8'));
        setImmediate(done);
      },
    });
    slow.on('drain', () => drains++);
    function* docs() {
      for (let i = 0; i < 1000; i++) yield { i, name: `caller ${i}`, text: 'x'.repeat(100) };
    }
    const n = await writeNdjson(docs(), slow, 1024);
    await new Promise<void>((resolve) => slow.end(resolve));
    assert.equal(n, 1000);
    const lines = received.join('').split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).i),
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.ok(drains > 10, `drains ${drains}`);
  });
});
