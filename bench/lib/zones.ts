import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Zone } from '../../src/core/zone.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import type { Store } from '../../src/store/store.js';
import { loadDefaultZones } from '../../src/zones/default-zones.js';
import { assignZoneIds } from '../../src/zones/ids.js';

/**
 * callstats' own zone look-up over the default zone table, exactly as a fresh store numbers it, so
 * the baseline's rows carry the same zone ids as callstats' rows. ZoneService only needs the two
 * zone methods of a Store to open.
 */
export async function defaultZoneService(): Promise<{ zones: Zone[]; service: ZoneService }> {
  const zones = assignZoneIds([], loadDefaultZones(), { source: 'default', mode: 'replace' });
  const store = { listZones: async () => zones, saveZones: async () => undefined } as unknown as Store;
  return { zones, service: await ZoneService.open(store, undefined) };
}

/**
 * 500 callee zone ids for the "filter on 500 zones" query: every other zone of the ones seen most
 * often in the first `sample` CDRs of the file (so about half the calls match), topped up with
 * unseen zones of the same countries when fewer than 1000 were seen. Deterministic for a file.
 */
export async function pickCalleeZones(file: string, count = 500, sample = 100_000): Promise<number[]> {
  const { zones, service } = await defaultZoneService();
  const seen = new Map<number, number>();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    if (!line) continue;
    const doc = JSON.parse(line) as { callee_id_number?: string };
    const id = service.zoneOf(doc.callee_id_number ?? null);
    if (id !== null) seen.set(id, (seen.get(id) ?? 0) + 1);
    if (++n >= sample) break;
  }
  lines.close();
  const byFrequency = [...seen].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id);
  const picked = byFrequency.filter((_, i) => i % 2 === 0).slice(0, count);
  const countries = new Set(picked.map((id) => service.zone(id)?.country));
  for (const z of zones) {
    if (picked.length >= count) break;
    if (countries.has(z.country) && !seen.has(z.id)) picked.push(z.id);
  }
  return picked.sort((a, b) => a - b);
}
