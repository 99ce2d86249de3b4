import { demoParameters, DEMO_ACCOUNT_ID } from '../demo/demo-account.js';
import { syntheticCdrs } from '../demo/synthetic-cdrs.js';
import { ingestRecords, type RawRecord } from '../ingest/index.js';
import type { ZoneService } from '../zones/zone-service.js';
import type { Store } from '../store/store.js';

/** Loads the demo account through the real import path (Kazoo documents → ingest → store). */
export async function loadDemo(store: Store, zones: ZoneService, calls: number): Promise<{ account: string; accepted: number }> {
  async function* records(): AsyncGenerator<RawRecord> {
    let index = 0;
    for (const doc of syntheticCdrs(demoParameters(calls))) yield { index: index++, doc };
  }
  const result = await ingestRecords(records(), { store, zoneOf: zones.zoneOf });
  return { account: DEMO_ACCOUNT_ID, accepted: result.accepted };
}
