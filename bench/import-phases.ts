/**
 * Where a staged import batch's time goes on DuckDB's side (docs/performance.md, "Ingest, round
 * 4"): COUNT lines of CDRS after SKIP are staged as one batch by the real worker pipeline (no zone
 * table), then each phase of its insert is timed on STORE (use a copy: the batch is committed).
 *
 *   node --import tsx bench/import-phases.ts ROOT STORE.duckdb CDRS.ndjson SKIP COUNT
 *
 * ROOT is the checkout whose src/ is measured; SKIP lines are read and dropped first (a large
 * SKIP into the 10M file takes minutes: cut the lines out with `tail -n +N | head` instead).
 * Prints wall and process CPU per phase: read_csv alone, with the in-batch duplicate window, the
 * bounded stored-side scan, with the anti-join, then the INSERT and the COMMIT (a batch of at
 * least 122,880 rows is written to the file during the INSERT, not to the WAL at COMMIT).
 */

import { copyFileSync, createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [root, storePath, cdrs, skip, count] = process.argv.slice(2);
const { ndjsonChunksParallel } = await import(`${root}/src/ingest/parallel-ndjson.ts`);
const { ingestStaged } = await import(`${root}/src/ingest/bulk-ingest.ts`);
const { readCsvSql } = await import(`${root}/src/store/duckdb/call-csv.ts`);
const { CALL_COLUMNS } = await import(`${root}/src/core/call.ts`);
const { DuckDBInstance } = await import('@duckdb/node-api');

async function* lines(): AsyncGenerator<string> {
  let k = 0;
  for await (const l of createInterface({ input: createReadStream(cdrs) })) {
    if (k++ < Number(skip)) continue;
    if (k > Number(skip) + Number(count)) break;
    yield l + '\n';
  }
}
const dir = join(tmpdir(), `import-phases-${process.pid}`);
mkdirSync(dir, { recursive: true });
const batchFile = join(dir, 'batch.csv');
await ingestStaged(ndjsonChunksParallel(Readable.from(lines()), 2, { encode: { zones: [] } }), {
  batchSize: Number(count),
  store: {
    stagingDir: () => dir,
    insertStaged: async (b: { file: string }) => {
      copyFileSync(b.file, batchFile);
      writeFileSync(batchFile + '.json', JSON.stringify(b));
      return { inserted: 0, duplicates: 0 };
    },
  },
});
const meta = JSON.parse(readFileSync(batchFile + '.json', 'utf8'));
const db = await DuckDBInstance.create(storePath, { threads: '2', memory_limit: '512MB', preserve_insertion_order: 'false' });
const c = await db.connect();
const src = readCsvSql(batchFile, meta.maxLineBytes);
const acc = [...meta.accounts].sort();
const [lo, hi] = [meta.minCallTime - 86_400, meta.maxCallTime + 86_400];
const dedup = `(SELECT * FROM ${src} QUALIFY row_number() OVER (PARTITION BY account_id, call_id ORDER BY ordinal) = 1) s`;
const bounded = `c.call_time BETWEEN ${lo} AND ${hi} AND c.account_id BETWEEN '${acc[0]}' AND '${acc[acc.length - 1]}'`;
const anti = `WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.account_id = s.account_id AND c.call_id = s.call_id AND ${bounded})`;
async function time(label: string, sql: string): Promise<void> {
  const [t, cpu] = [performance.now(), process.cpuUsage()];
  const r = await c.runAndReadAll(sql);
  const u = process.cpuUsage(cpu);
  const ms = (n: number) => n.toFixed(0).padStart(6);
  console.log(
    `${label.padEnd(30)} ${ms(performance.now() - t)} ms wall ${ms((u.user + u.system) / 1000)} ms cpu ${JSON.stringify(r.getRows()[0]?.map(String) ?? [])}`,
  );
}
console.log(
  `stored ${(await c.runAndReadAll('SELECT count(*) FROM calls')).getRows()[0][0]}, batch ${meta.calls} calls of ${acc.length} accounts`,
);
await time('read_csv', `SELECT count(*) FROM ${src}`);
await time('+ in-batch window', `SELECT count(*) FROM ${dedup}`);
await time('stored side (bounded) scan', `SELECT count(*) FROM calls c WHERE ${bounded}`);
await time('+ anti-join', `SELECT count(*) FROM ${dedup} ${anti}`);
await c.run('BEGIN TRANSACTION');
await time('INSERT', `INSERT INTO calls_tail SELECT ${CALL_COLUMNS.join(', ')} FROM ${dedup} ${anti}`);
await time('COMMIT', 'COMMIT');
