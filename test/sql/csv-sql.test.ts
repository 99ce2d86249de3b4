import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../src/core/call.js';
import { csvLine, CSV_HEADER } from '../../src/report/csv.js';
import { parseQuery } from '../../src/query/parse-query.js';
import { csvChunks, streamRecords } from '../../src/report/records.js';
import { isValidTimeZone, parseCallTime } from '../../src/time/index.js';
import { freshStore } from '../helpers/store.js';
import { pickZoneIds, randomCalls, Rng, testSeed } from '../reference/random.js';

const HOSTILE = [
  '=cmd|"/c calc"!A1',
  '+1 (555)',
  '+6434123456',
  '-2+3',
  '@SUM(A1)',
  '\tTAB',
  '\rCR',
  'a,b',
  'say "hi"',
  'line\nbreak',
  'Chloé',
  '🎉 party',
  "'quoted'",
  '',
  // The engine's first-character test (ascii()) against csv.ts's: a lone formula character, a
  // multibyte first character, NUL first, a lone quote and comma, CRLF.
  '+',
  '-',
  'é=1',
  '\u0000=1',
  '"',
  ',',
  '\r\n',
];

describe('CSV written by the engine equals csv.ts line for line', () => {
  let f: Awaited<ReturnType<typeof freshStore>>;
  before(async () => {
    f = await freshStore();
    const seed = testSeed('csv-sql');
    const rng = new Rng(seed);
    const calls: Call[] = randomCalls(rng, 600, pickZoneIds(rng, await f.store.listZones()));
    calls.forEach((c, i) => {
      if (i % 3 === 0) c.caller_id_name = HOSTILE[i % HOSTILE.length] || null;
      if (i % 5 === 0) c.caller_id_number = HOSTILE[(i + 3) % HOSTILE.length] || null;
      if (i % 7 === 0) c.hangup_cause = HOSTILE[(i + 5) % HOSTILE.length] || null;
    });
    await f.store.insertCalls(calls);
  });
  after(() => f.cleanup());

  for (const [tz, format, order] of [
    ['Pacific/Auckland', 'kazoo', 'dmy'],
    ['Australia/Lord_Howe', 'iso', 'dmy'],
    ['America/New_York', 'kazoo', 'mdy'],
    ['Asia/Kathmandu', 'iso', 'mdy'],
  ] as const) {
    test(`${tz} ${format} ${order}`, async () => {
      const q = parseQuery(
        { timezone: tz, time_format: format },
        { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, z) => parseCallTime(v, z, order) },
      );
      let engine = '';
      for await (const c of csvChunks(f.store, f.zones, undefined, q, order)) engine += c;
      let reference = CSV_HEADER;
      for await (const r of streamRecords(f.store, f.zones, undefined, q, order)) reference += csvLine(r);
      assert.ok(engine.length > 10_000);
      const a = engine.split('\r\n');
      const b = reference.split('\r\n');
      for (let i = 0; i < Math.max(a.length, b.length); i++) assert.equal(a[i], b[i], `line ${i}`);
    });
  }
});
