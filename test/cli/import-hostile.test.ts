import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { runCli } from '../helpers/cli.js';
import { freshStore } from '../helpers/store.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';

/** `callstats import` with hostile records: one bad value never costs the file, and never a stack trace. */

const T0 = Date.UTC(2016, 2, 4, 8, 0, 0) / 1000;
const DEEP_TEXT = '{"a":['.repeat(5000) + '"bottom"' + ']}'.repeat(5000);

async function storedIds(path: string, account: string): Promise<string[]> {
  const s = new DuckDBStore(path);
  await s.init();
  try {
    const rows = await s.all({ sql: 'SELECT call_id FROM calls WHERE account_id = ? ORDER BY call_id', params: [account] });
    return rows.map((r) => String(r.call_id));
  } finally {
    await s.close();
  }
}

describe('callstats import of hostile files', () => {
  let dir: string;
  let path: string;
  before(async () => {
    const f = await freshStore();
    await f.store.close();
    dir = f.dir;
    path = f.path;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('10,001 records with one duration of 2^31: 10,000 stored, the bad one named, exit 1, no stack trace', async () => {
    const file = join(dir, 'big.json');
    const docs = Array.from({ length: 10_001 }, (_, i) => kazooCdr(`i${String(i).padStart(5, '0')}`, T0 + i));
    docs[7_777] = kazooCdr('i07777', T0, { duration_seconds: 2 ** 31 });
    writeFileSync(file, JSON.stringify(docs));
    const r = await runCli(['import', '--store', `duckdb:${path}`, '--account', 'big00000000000000000000000000001', '--json', file]);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.accepted, out.duplicates, out.rejected], [10_000, 0, 1]);
    assert.deepEqual(out.files[0].rejected, [{ index: 7777, reason: "duration_seconds: out of range 0 … 2147483647: '2147483648'" }]);
    const ids = await storedIds(path, 'big00000000000000000000000000001');
    assert.equal(ids.length, 10_000);
    assert.equal(ids.includes('i07777'), false);
  });

  test('NDJSON on worker threads and as JSON: every hostile line is one named rejection, the good lines are stored', async () => {
    const good = (id: string) => JSON.stringify(kazooCdr(id, T0));
    const lines = [
      good('g1'),
      JSON.stringify(kazooCdr('far', T0, { timestamp: 1_000_000_000_000_000 })),
      JSON.stringify(kazooCdr('nul\u0000id', T0)),
      JSON.stringify(kazooCdr('big', T0, { billing_seconds: '9223372036854775808' })),
      DEEP_TEXT,
      good('g2').replace('"Alice"', DEEP_TEXT),
      '{not json',
      JSON.stringify(kazooCdr('long', T0, { caller_id_name: 'x'.repeat(1024 * 1024) })),
      good('g3'),
    ];
    const expected = [
      { index: 1, line: 2, reason: "timestamp: call start outside 1970-01-01 … 2100-01-01 UTC: '1000000000000000'" },
      { index: 2, line: 3, reason: 'call_id: contains NUL (U+0000)' },
      { index: 3, line: 4, reason: "billing_seconds: out of range 0 … 2147483647: '9223372036854775808'" },
      { index: 4, line: 5, reason: 'call_id: missing' },
      { index: 5, line: 6, reason: `caller_id_name: not text: '${'{"a":['.repeat(6)}{"a"…'` },
      { index: 6, line: 7 },
      { index: 7, line: 8, reason: 'caller_id_name: longer than 1024 bytes' },
    ];
    const file = join(dir, 'hostile.ndjson');
    writeFileSync(file, lines.join('\n') + '\n');
    for (const [account, env] of [
      ['ndw00000000000000000000000000001', '2'],
      ['nd100000000000000000000000000001', '0'],
    ] as const) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli/run.ts', 'import', '--store', `duckdb:${path}`, '--account', account, '--json', file],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CALLSTATS_IMPORT_WORKERS: env } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const [code] = await once(child, 'close');
      assert.equal(code, 1, stderr);
      assert.doesNotMatch(stderr, /\n\s+at /);
      const out = JSON.parse(stdout);
      assert.deepEqual([out.accepted, out.rejected], [2, 7], `workers=${env}`);
      const rejected = out.files[0].rejected as { index: number; line: number; reason: string }[];
      assert.deepEqual(
        rejected.map((x) => (x.index === 6 ? { index: x.index, line: x.line } : x)),
        expected,
        `workers=${env}`,
      );
      assert.match(rejected[5].reason, /^invalid JSON: /);
      assert.deepEqual(await storedIds(path, account), ['g1', 'g3']);
    }
  });
});
