import { createRequire } from 'node:module';
import type pg from 'pg';
import { percentile } from './timing.js';

/** What a fixed-duration run of N clients measured. */
export interface LoadResult {
  seconds: number;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

interface AutocannonResult {
  duration: number;
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => unknown;

// autocannon ships no types; it is loaded through require so the strict lint needs none.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/**
 * `connections` HTTP clients for `seconds` (autocannon, keep-alive, one request in flight each),
 * each request taking the next of `paths` from one shared counter, so the clients ask different
 * questions at the same moment rather than all starting at the first. `headers` go on every request
 * (`Cache-Control: no-cache` for the uncached run).
 */
export function httpLoad(
  base: string,
  paths: string[],
  token: string,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 30,
        headers: { 'X-Auth-Token': token, ...headers },
        requests: [
          {
            method: 'GET',
            setupRequest: (req: Record<string, unknown>) => ({ ...req, path: paths[next++ % paths.length] }),
          },
        ],
      },
      (err, r) => {
        if (err) return reject(err);
        resolve({
          seconds: r.duration,
          connections,
          requests: r.requests.total,
          rps: r.requests.total / r.duration,
          p50: r.latency.p50,
          p99: r.latency.p99,
          errors: r.errors + r.timeouts,
          non2xx: r.non2xx,
        });
      },
    );
  });
}

/** The baseline's equivalent: `connections` pooled PostgreSQL clients taking the same questions' SQL from one shared counter. */
export async function pgLoad(
  pool: pg.Pool,
  queries: { text: string; values: unknown[] }[],
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const q = queries[next++ % queries.length];
        const t = performance.now();
        try {
          await pool.query(q.text, q.values);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    seconds: elapsed,
    connections,
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
    non2xx: 0,
  };
}
