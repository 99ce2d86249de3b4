/** The envelope and Kazoo bucket keys, old way and new (docs/performance.md, issue 16): `node --import tsx bench/answer-micro.ts`. */
import { createHash } from 'node:crypto';
import { formatBucketKey, formatKazooLocal } from '../src/time/index.js';
// A 489-entry hourly answer shape (45 KB), built synthetically: 218 buckets × (total + 2 groups).
const st = (n: number) => ({ total: n, duration_seconds: { max: 600 + n, min: 0, median: 52.5, mean: 144.4378138847858 + n } });
const data: Record<string, unknown> = {};
const buckets = Array.from({ length: 218 }, (_, i) => 1743465600 + i * 3600);
for (const b of buckets) data[formatKazooLocal(b, 'dmy')] = { ...st(b % 97), groups: { '0': st(3), '1': st(4) } };
const oldEnv = () => {
  const revision = createHash('md5')
    .update(JSON.stringify(data) ?? '')
    .digest('hex');
  return JSON.stringify({ data, status: 'success', request_id: 'abc', revision, auth_token: 'tok' });
};
const newEnv = () => {
  const d = JSON.stringify(data);
  const revision = createHash('md5').update(d).digest('hex');
  return `{"data":${d},"status":"success","request_id":${JSON.stringify('abc')},"revision":${JSON.stringify(revision)},"auth_token":${JSON.stringify('tok')}}`;
};
if (oldEnv() !== newEnv()) throw new Error('envelopes differ');
const oldKeys = () => buckets.map((b) => formatBucketKey(b, 'Pacific/Auckland', 'kazoo', 'dmy'));
const newKeys = () => buckets.map((b) => formatKazooLocal(b, 'dmy'));
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const t: Record<string, number[]> = { oldEnv: [], newEnv: [], oldKeys: [], newKeys: [] };
const fns: Record<string, () => unknown> = { oldEnv, newEnv, oldKeys, newKeys };
for (let i = 0; i < 400; i++)
  for (const [k, f] of Object.entries(fns)) {
    const s = performance.now();
    f();
    t[k].push(performance.now() - s);
  }
for (const [k, xs] of Object.entries(t)) console.log(k, med(xs.slice(50)).toFixed(3), 'ms');
