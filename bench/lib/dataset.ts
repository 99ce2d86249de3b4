import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type KazooCdr, syntheticCdrs } from '../../src/demo/synthetic-cdrs.js';
import { writeNdjsonFile } from './ndjson.js';
import { fmtInt, log, throttle } from './progress.js';

/** The benchmark's calendar: one year of calls, UTC. */
export const DATA_FROM = new Date(Date.UTC(2025, 0, 1));
export const DATA_TO = new Date(Date.UTC(2026, 0, 1));
export const ACCOUNTS = 50;

/** One generated data set: the NDJSON file and how many calls each account has (largest first). */
export interface Dataset {
  size: number;
  seed: number;
  file: string;
  accounts: { id: string; calls: number }[];
}

/**
 * Returns the NDJSON file for (seed, size), generating it on first use. The meta file is written
 * last, so an interrupted generation is redone rather than reused half-written.
 */
export async function ensureDataset(dir: string, seed: number, size: number): Promise<Dataset> {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `cdrs-seed${seed}-${size}`);
  const file = `${base}.ndjson`;
  const metaFile = `${base}.meta.json`;
  if (existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Dataset;
    if (meta.size === size && meta.seed === seed) {
      log(`data: reusing ${file}`);
      return { ...meta, file };
    }
  }
  log(`data: generating ${fmtInt(size)} CDRs (seed ${seed}, ${ACCOUNTS} accounts, one year) → ${file}`);
  const counts = new Map<string, number>();
  let written = 0;
  const started = Date.now();
  const progress = throttle(() =>
    log(`data: ${fmtInt(written)} / ${fmtInt(size)} CDRs (${fmtInt(written / ((Date.now() - started) / 1000))}/s)`),
  );
  function* counted(): Generator<KazooCdr> {
    for (const cdr of syntheticCdrs({ seed, accounts: ACCOUNTS, totalCalls: size, from: DATA_FROM, to: DATA_TO })) {
      const id = cdr.custom_channel_vars.account_id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      written++;
      progress.tick();
      yield cdr;
    }
  }
  const tmp = `${file}.${process.pid}.partial`;
  await writeNdjsonFile(counted(), tmp);
  renameSync(tmp, file);
  const accounts = [...counts].map(([id, calls]) => ({ id, calls })).sort((a, b) => b.calls - a.calls || (a.id < b.id ? -1 : 1));
  const meta: Dataset = { size: written, seed, file, accounts };
  writeFileSync(metaFile, JSON.stringify(meta, null, 1));
  log(`data: ${fmtInt(written)} CDRs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return meta;
}
