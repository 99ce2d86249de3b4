import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Call } from '../../src/core/call.js';
import { runImport } from '../../src/cli/import.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { DESIGN_DOC, LEDGER } from '../fixtures/ingest/kazoo-docs.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'callstats-bulk-ingest-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * ~6k NDJSON lines: blank lines, bad JSON, rejected CDRs, non-CDRs (a design doc, a ledger),
 * text that must round-trip, numbers that match zones, calls repeated inside one batch and
 * across batches (some with other content: the first wins), several accounts.
 */
function input(): string {
  const lines: string[] = [];
  for (let i = 0; i < 6_000; i++) {
    if (i % 997 === 0) lines.push('');
    if (i % 1499 === 0) lines.push('{"call_id": broken');
    if (i % 2003 === 0) lines.push(JSON.stringify(DESIGN_DOC), JSON.stringify(LEDGER));
    const account = `acct${String(i % 7).padStart(28, '0')}`;
    const id = i % 53 === 0 ? `p${i - 7 * 23}` : i % 89 === 0 ? `p${i - 7}` : `p${i}`;
    const over =
      i % 701 === 0
        ? { call_direction: 'sideways' }
        : {
            caller_id_name: i % 11 === 0 ? null : `Chloé "${'🎉'.repeat(i % 5)}",\t${i % 13 === 0 ? '\r\n' : ''}${'x'.repeat(i % 97)}`,
            caller_id_number: i % 3 === 0 ? '+6434123456' : i % 3 === 1 ? '+14155550100' : '12',
            custom_channel_vars: { account_id: account },
          };
    lines.push(JSON.stringify(kazooCdr(id, 1_600_000_000 + i * 37, over)));
  }
  return lines.join('\n') + '\n';
}

async function importInto(name: string, file: string, workers: number): Promise<{ result: unknown; calls: Call[] }> {
  const path = join(dir, `${name}.duckdb`);
  const store = new DuckDBStore(path);
  await store.init();
  try {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stdout.write;
    try {
      for (let round = 0; round < 2; round++)
        await runImport({ store, files: [file], json: true, batchSize: 1_500, workers, format: 'ndjson' });
    } finally {
      process.stdout.write = write;
    }
    const calls: Call[] = [];
    for (const { account } of await store.accountCounts()) for await (const c of store.exportCalls(account)) calls.push(c);
    if (workers > 0) assert.deepEqual(readdirSync(`${path}.ingest`), [], 'no staged file is left behind');
    return { result: lines.map((l) => JSON.parse(l)).map(({ seconds: _s, ...r }) => r), calls };
  } finally {
    await store.close();
  }
}

test('the staged import (workers zone and encode, DuckDB reads the batches) stores and reports exactly what the record path does', async () => {
  const file = join(dir, 'mixed.ndjson');
  writeFileSync(file, input());
  const staged = await importInto('staged', file, 2);
  const records = await importInto('records', file, 0);
  assert.deepEqual(staged.result, records.result);
  assert.equal(staged.calls.length, records.calls.length);
  assert.deepEqual(staged.calls, records.calls);
  const zoned = staged.calls.filter((c) => c.caller_zone_id !== null).length;
  assert.ok(zoned > 3_000, `zones were matched on the workers (${zoned})`);
  const [first] = staged.result as { accepted: number; duplicates: number; rejected: number; skipped: number }[];
  assert.ok(first.duplicates > 0 && first.rejected > 0 && first.skipped > 0, JSON.stringify(first));
});
