/** Small HTTP helpers for talking to `callstats serve` as a Kazoo client would. */

/** Sent on every timed request of the uncached figures: the answer cache (issue 16) computes such a request afresh. */
export const NO_CACHE = { 'Cache-Control': 'no-cache' } as const;

/** GETs a statistics path and returns the envelope's `data`; any non-200 is an error with its body. */
export async function getStats(
  base: string,
  path: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<Record<string, never>> {
  const res = await fetch(base + path, { headers: { 'X-Auth-Token': token, ...headers } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path.slice(0, 120)}… → ${res.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { data: Record<string, never> }).data;
}

/** Streams a CSV export to nowhere, counting rows (lines after the header) and bytes. */
export async function drainCsv(base: string, path: string, token: string): Promise<{ rows: number; bytes: number; seconds: number }> {
  const started = performance.now();
  const res = await fetch(base + path, { headers: { 'X-Auth-Token': token } });
  if (res.status !== 200 || !res.body) throw new Error(`GET ${path} → ${res.status}: ${(await res.text()).slice(0, 500)}`);
  let lines = 0;
  let bytes = 0;
  // :TRICKY: hostile caller names carry line breaks inside quoted cells, so a record ends only at
  // a LF outside quotes ("" inside a cell toggles twice and cancels out).
  let quoted = false;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22) quoted = !quoted;
      else if (b === 0x0a && !quoted) lines++;
    }
  }
  return { rows: Math.max(0, lines - 1), bytes, seconds: (performance.now() - started) / 1000 };
}

/**
 * The sum of a Prometheus counter's samples on `GET /metrics` (every label set), or undefined when
 * the server does not expose it (the answer cache's hit counter exists only once the cache does).
 */
export async function metricTotal(base: string, name: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${base}/metrics`);
    if (res.status !== 200) return undefined;
    let total: number | undefined;
    for (const line of (await res.text()).split('\n')) {
      const m = new RegExp(`^${name}(\\{[^}]*\\})?\\s+([0-9.eE+-]+)$`).exec(line.trim());
      if (m) total = (total ?? 0) + Number(m[2]);
    }
    return total;
  } catch {
    return undefined;
  }
}
