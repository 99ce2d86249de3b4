import { startClickHouse } from './test/helpers/clickhouse-server.js';
const s = await startClickHouse();
const post = async (params: Record<string,string>, body: BodyInit) => { const r = await fetch(`${s.url}/?` + new URLSearchParams(params), { method: 'POST', body }); return r.status + ' ' + (await r.text()).slice(0, 300); };
await post({query: "CREATE TABLE ids (account_id String, call_id String, call_time Int64) ENGINE = ReplacingMergeTree ORDER BY (account_id, call_id, call_time)"}, '');
const n = 200000;
let rows = ''; for (let i = 0; i < n; i++) rows += `acc-${i % 20}\tc-${i}-a8f3e2b1c9d04e6f\t${i}\n`;
console.log(await post({query: 'INSERT INTO ids FORMAT TabSeparated'}, rows));
let batch = ''; for (let i = 150000; i < 200000; i++) batch += `acc-${i % 20}\tc-${i}-zz${i % 2 ? '' : 'x'}\n`;
for (let k = 0; k < 3; k++) {
const fd = new FormData(); fd.append('batch', new Blob([batch]), 'batch.tsv');
let t = performance.now();
console.log(await post({ query: 'SELECT count() FROM ids WHERE (account_id, call_id) IN (SELECT account_id, call_id FROM batch) FORMAT TSV', batch_structure: 'account_id String, call_id String', batch_format: 'TabSeparated', send_progress_in_http_headers: '0' }, fd), performance.now() - t);
}
let batch2 = ''; for (let i = 150000; i < 200000; i++) batch2 += `acc-${i % 20}\tc-${i}-a8f3e2b1c9d04e6f\n`;
const fd = new FormData(); fd.append('batch', new Blob([batch2]), 'batch.tsv');
let t = performance.now();
console.log(await post({ query: 'SELECT count() FROM ids WHERE account_id IN (SELECT account_id FROM batch) AND (account_id, call_id) IN (SELECT account_id, call_id FROM batch) FORMAT TSV', batch_structure: 'account_id String, call_id String', batch_format: 'TabSeparated' }, fd), performance.now() - t);
await s.stop();
