/**
 * The PostgreSQL side's client work, run as a child process so its peak RSS is measured the same
 * way as callstats' import and server:
 *
 *   node --import tsx bench/lib/pg-child.ts load URL FILE      NDJSON → COPY → indexes → VACUUM ANALYZE
 *   node --import tsx bench/lib/pg-child.ts export URL ACCOUNT  the account's rows as CSV through a cursor
 *
 * Prints one JSON object on stdout.
 */
import { createReadStream } from 'node:fs';
import pg from 'pg';
import type { Call } from '../../src/core/call.js';
import { cdrToCall, readRecordBatches } from '../../src/ingest/index.js';
import { exportQuery, loadCalls } from './pg-baseline-sql.js';
import { defaultZoneService } from './zones.js';

const [mode, url, arg] = process.argv.slice(2);

async function load(client: pg.Client, file: string): Promise<void> {
  const started = performance.now();
  // The same reader and CDR → call conversion (zones included) as `callstats import`.
  const { service } = await defaultZoneService();
  let rejected = 0;
  let seen = 0;
  let lastProgress = Date.now();
  async function* calls(): AsyncGenerator<Call> {
    for await (const batch of readRecordBatches(createReadStream(file), 'ndjson')) {
      for (const record of batch) {
        const r = record.error === undefined ? cdrToCall(record.doc, { zoneOf: service.zoneOf }) : undefined;
        if (r?.ok) yield r.call;
        else rejected++;
        if (++seen % 100_000 === 0 && Date.now() - lastProgress > 5000) {
          lastProgress = Date.now();
          process.stderr.write(`${seen} records\n`);
        }
      }
    }
  }
  const t = await loadCalls(client, calls());
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    JSON.stringify({
      rows: t.rows,
      rejected,
      seconds,
      copySeconds: t.copyMs / 1000,
      indexSeconds: t.indexMs / 1000,
      vacuumSeconds: t.vacuumMs / 1000,
    }),
  );
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** What a web app on PostgreSQL does for a CSV export: a cursor, 10,000 rows per FETCH, CSV lines. */
async function exportCsv(client: pg.Client, account: string): Promise<void> {
  const started = performance.now();
  const q = exportQuery(account);
  await client.query('BEGIN');
  await client.query(`DECLARE export NO SCROLL CURSOR FOR ${q.text}`, q.values);
  let rows = 0;
  let bytes = 0;
  for (;;) {
    const r = await client.query({ text: 'FETCH 10000 FROM export', rowMode: 'array' });
    if (!r.rows.length) break;
    let chunk = '';
    for (const row of r.rows as unknown[][]) chunk += row.map(csvCell).join(',') + '\r\n';
    bytes += Buffer.byteLength(chunk);
    rows += r.rows.length;
  }
  await client.query('COMMIT');
  process.stdout.write(JSON.stringify({ rows, bytes, seconds: (performance.now() - started) / 1000 }));
}

const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  if (mode === 'load') await load(client, arg);
  else if (mode === 'export') await exportCsv(client, arg);
  else throw new Error(`unknown mode ${mode}`);
} finally {
  await client.end();
}
