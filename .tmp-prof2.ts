import { makeCall } from './test/store/clickhouse-fixtures.js';
import { callTsvRow } from './src/store/clickhouse/tsv.js';
import { writeFileSync } from 'node:fs';
const batch = Array.from({ length: 50000 }, (_, i) => makeCall(`acc-${i % 20}`, i, { call_id: `c-${i}-a8f3e2b1c9d04e6f` }));
for (let k = 0; k < 3; k++) { const t = performance.now(); const tsv = batch.map(callTsvRow).join(''); console.log('encode', performance.now() - t, tsv.length); if (k==0) writeFileSync('/tmp/b.tsv', tsv); }
