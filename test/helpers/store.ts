import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { createHash } from 'node:crypto';
import { MIGRATIONS } from '../../src/store/duckdb/schema.js';
import { ZoneService } from '../../src/zones/zone-service.js';

/**
 * A fresh DuckDB store file for one test, already holding the default zone table. Building that
 * table takes a few seconds, so the first caller builds a template file once per machine and
 * everyone copies it (the rename makes the template appear whole or not at all).
 */
export async function freshStore(
  defaultCountry?: string,
): Promise<{ store: DuckDBStore; zones: ZoneService; dir: string; path: string; cleanup(): Promise<void> }> {
  // Named by the migrations' text, not only their count: two branches may each add a different
  // migration with the same number, and the machine's /tmp is shared.
  const schema = createHash('sha1').update(JSON.stringify(MIGRATIONS)).digest('hex').slice(0, 12);
  const template = join(tmpdir(), `callstats-test-template-v1-s${schema}-${process.getuid?.() ?? 0}.duckdb`);
  if (!existsSync(template)) {
    const building = `${template}.${process.pid}.tmp`;
    const s = new DuckDBStore(building);
    await s.init();
    await ZoneService.open(s, undefined);
    await s.close();
    rmSync(`${building}.wal`, { force: true });
    renameSync(building, template);
  }
  const dir = mkdtempSync(join(tmpdir(), 'callstats-test-'));
  const path = join(dir, 'callstats.duckdb');
  copyFileSync(template, path);
  const store = new DuckDBStore(path, { memoryLimit: '512MB' });
  await store.init();
  const zones = await ZoneService.open(store, defaultCountry);
  return {
    store,
    zones,
    dir,
    path,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
