/**
 * The store's write path alone (issue 16, "Ingest"): 20 `insertCalls` of 1,000 calls of one
 * account into a DuckDB store (use a copy: it is written), then one batch re-sent.
 *
 *   node --import tsx bench/insert-batches.ts ROOT STORE.duckdb LABEL CDRS.ndjson
 *
 * ROOT is the checkout whose src/ is measured (run from ROOT so its tsx and packages load), so an
 * older commit is measured by the same script; the calls are the first 40,000 CDRs of CDRS under
 * fresh call ids. Prints one line: median and worst batch, and the load average.
 */

import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
const [root, file, label, cdrs] = process.argv.slice(2);
const { DuckDBStore } = await import(`${root}/src/store/duckdb/duckdb-store.ts`);
const { cdrToCall } = await import(`${root}/src/ingest/cdr-to-call.ts`);
const lines: string[] = [];
for await (const l of createInterface({ input: createReadStream(cdrs) })) {
  if (l.trim()) lines.push(l);
  if (lines.length === 40_000) break;
}
const byAccount = new Map<string, unknown[]>();
for (const l of lines) {
  const d = JSON.parse(l);
  d.call_id = `${d.call_id}-ib${process.pid}`;
  const c = cdrToCall(d, { zoneOf: () => null });
  if (!c.ok) continue;
  const a = byAccount.get(c.call.account_id) ?? [];
  a.push(c.call);
  byAccount.set(c.call.account_id, a);
}
const batches: unknown[][] = [];
for (const calls of byAccount.values())
  for (let i = 0; i + 1000 <= calls.length && batches.length < 20; i += 1000) batches.push(calls.slice(i, i + 1000));
const store = new DuckDBStore(file);
await store.init();
const ms: number[] = [];
let inserted = 0;
for (const b of batches) {
  const t = performance.now();
  inserted += (await store.insertCalls(b)).inserted;
  ms.push(performance.now() - t);
}
const again = await store.insertCalls(batches[0]);
await store.close();
ms.sort((a, b) => a - b);
console.log(
  `${label} batches=${batches.length} inserted=${inserted} resend=${JSON.stringify(again)} median=${ms[ms.length >> 1].toFixed(0)}ms worst=${ms[ms.length - 1].toFixed(0)}ms load=${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
