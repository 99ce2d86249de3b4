/** Small HTTP helpers for talking to `callstats serve` as a Kazoo client would. */

/** GETs a statistics path and returns the envelope's `data`; any non-200 is an error with its body. */
export async function getStats(base: string, path: string, token: string): Promise<Record<string, never>> {
  const res = await fetch(base + path, { headers: { 'X-Auth-Token': token } });
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
