import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { ingestRecords } from '../../src/ingest/index.js';
import { zonesToCsv } from '../../src/zones/rate-deck.js';
import { freshStore } from '../helpers/store.js';
import { kazooCdr } from '../helpers/cdrs.js';

/**
 * Output through a real shell pipe: everything printed reaches the reader before the process
 * exits, and a reader that stops early (`head`) ends the command quietly with exit 0.
 */

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0) / 1000;
const CALLS = 20_000;
const ACCOUNT = 'pipe0000000000000000000000000001';
const CLI = `${JSON.stringify(process.execPath)} --import tsx src/cli/run.ts`;

function sh(script: string, store: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/bash', ['-o', 'pipefail', '-c', script], { env: { ...process.env, CALLSTATS_STORE: store } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('callstats output through a pipe', () => {
  let fresh: Awaited<ReturnType<typeof freshStore>>;
  let store: string;
  let zoneLines: number;
  before(async () => {
    fresh = await freshStore();
    store = `duckdb:${fresh.path}`;
    zoneLines = zonesToCsv([...fresh.zones.all()]).split('\n').length - 1;
    const docs = Array.from({ length: CALLS }, (_, i) =>
      kazooCdr(`p${String(i).padStart(6, '0')}`, T0 + i * 7, { custom_channel_vars: { account_id: ACCOUNT } }),
    );
    const r = await ingestRecords(
      (async function* () {
        yield docs.map((doc, index) => ({ index, doc }));
      })(),
      { store: fresh.store, accountId: ACCOUNT, zoneOf: fresh.zones.zoneOf },
    );
    assert.equal(r.accepted, CALLS, JSON.stringify(r.rejected.slice(0, 3)));
    await fresh.store.close();
  });
  after(() => fresh.cleanup().catch(() => undefined));

  test('`zones export | wc -l` counts every zone line, 5 runs out of 5', async () => {
    assert.ok(zoneLines > 200_000, String(zoneLines));
    for (let run = 0; run < 5; run++) {
      const r = await sh(`${CLI} zones export | wc -l`, store);
      assert.deepEqual(r, { code: 0, stdout: `${zoneLines}\n`, stderr: '' }, `run ${run}`);
    }
  });

  test('`query csv | wc -l` counts the header and every call, 5 runs out of 5', async () => {
    for (let run = 0; run < 5; run++) {
      const r = await sh(`${CLI} query --account ${ACCOUNT} csv | wc -l`, store);
      assert.deepEqual(r, { code: 0, stdout: `${CALLS + 1}\n`, stderr: '' }, `run ${run}`);
    }
  });

  test('`zones export | head -1` and `query csv | head -1` end quietly: the first line, exit 0, nothing on stderr', async () => {
    const zones = await sh(`${CLI} zones export | head -1`, store);
    assert.deepEqual(zones, { code: 0, stdout: zonesToCsv([]), stderr: '' });
    const csv = await sh(`${CLI} query --account ${ACCOUNT} csv | head -1`, store);
    assert.equal(csv.stderr, '');
    assert.equal(csv.code, 0);
    assert.match(csv.stdout, /^call_id,/);
    assert.equal(csv.stdout.split('\n').length, 2);
  });
});
