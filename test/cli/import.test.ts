import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { runCli } from '../helpers/cli.js';
import { freshStore } from '../helpers/store.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { ACCOUNT, DESIGN_DOC, LEDGER, allDocsDump, changesFeed, storedCdr } from '../fixtures/ingest/kazoo-docs.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { syntheticCdrs } from '../../src/demo/synthetic-cdrs.js';

const T0 = Date.UTC(2016, 2, 4, 8, 0, 0) / 1000;

async function countIn(path: string, account?: string): Promise<number> {
  const s = new DuckDBStore(path);
  await s.init();
  try {
    return await s.countCalls(account);
  } finally {
    await s.close();
  }
}

describe('callstats import (SPEC 8)', () => {
  let dir: string;
  let path: string;
  before(async () => {
    const f = await freshStore();
    await f.store.close();
    dir = f.dir;
    path = f.path;
  });

  test('importing the same file twice stores each call once; bad records are named and exit 1', async () => {
    const file = join(dir, 'mixed.json');
    writeFileSync(file, JSON.stringify([kazooCdr('a1', T0), kazooCdr('a2', T0, { call_direction: 'sideways' }), kazooCdr('a3', T0)]));
    const first = await runCli(['import', '--store', `duckdb:${path}`, '--json', file]);
    assert.equal(first.code, 1, first.stderr);
    const r1 = JSON.parse(first.stdout);
    assert.deepEqual([r1.accepted, r1.duplicates, r1.rejected], [2, 0, 1]);
    assert.equal(r1.files[0].rejected[0].index, 1);
    assert.match(r1.files[0].rejected[0].reason, /call_direction/);
    const second = await runCli(['import', '--store', `duckdb:${path}`, '--json', file]);
    const r2 = JSON.parse(second.stdout);
    assert.deepEqual([r2.accepted, r2.duplicates, r2.rejected], [0, 2, 1]);
    assert.equal(await countIn(path, 'acct00000000000000000000000000a1'), 2);
  });

  test('stdin with --account and a human summary; exit 0 when all are good', async () => {
    const nd = [kazooCdr('s1', T0), kazooCdr('s2', T0)].map((d) => JSON.stringify(d)).join('\n');
    const r = await runCli(['import', '--store', `duckdb:${path}`, '--account', 'stdinacct', '-'], nd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /-: 2 accepted, 0 duplicate, 0 rejected/);
    assert.equal(await countIn(path, 'stdinacct'), 2);
  });

  test('a SIGKILL half-way through leaves whole batches; the re-run ends with the exact count', async () => {
    const total = 300_000;
    const file = join(dir, 'big.ndjson');
    const out = createWriteStream(file);
    let i = 0;
    for (const doc of syntheticCdrs({
      seed: 7,
      accounts: [{ id: 'killacct', calls: total, timezone: 'Pacific/Auckland' }],
      from: new Date('2024-01-01T00:00:00Z'),
      to: new Date('2024-07-01T00:00:00Z'),
    })) {
      if (!out.write(JSON.stringify(doc) + '\n')) await once(out, 'drain');
      i++;
    }
    out.end();
    await once(out, 'finish');
    assert.equal(i, total);

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/run.ts', 'import', '--store', `duckdb:${path}`, '--batch-size', '5000', file],
      { stdio: 'ignore' },
    );
    // Kill once committed batches have reached the write-ahead log, i.e. mid-import.
    const wal = `${path}.wal`;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && !(existsSync(wal) && statSync(wal).size > 2_000_000)) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await once(child, 'close');

    const partial = await countIn(path, 'killacct');
    assert.ok(partial > 0 && partial < total, `expected a partial import, found ${partial} of ${total}`);
    assert.equal(partial % 5000, 0, 'only whole batches are stored');
    const rerun = await runCli(['import', '--store', `duckdb:${path}`, '--json', file]);
    assert.equal(rerun.code, 0, rerun.stderr);
    const r = JSON.parse(rerun.stdout);
    assert.equal(r.accepted + r.duplicates, total);
    assert.equal(r.duplicates, partial);
    assert.equal(await countIn(path, 'killacct'), total);
  });

  test('a MODB dump holding CDRs and ledgers imports the CDRs, counts the rest as skipped, exit 0 (file, stdin, NDJSON)', async () => {
    const docs = [DESIGN_DOC, storedCdr('modb-1', 0), LEDGER, storedCdr('modb-2', 60)];
    const file = join(dir, 'modb-dump.json');
    writeFileSync(file, JSON.stringify(allDocsDump(docs)));
    const r = await runCli(['import', '--store', `duckdb:${path}`, '--json', file]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual([j.accepted, j.duplicates, j.rejected, j.skipped], [2, 0, 0, 2]);
    assert.deepEqual([j.files[0].skipped, j.files[0].rejectedCount], [2, 0]);
    const feed = changesFeed([storedCdr('modb-3', 120), LEDGER]);
    const human = await runCli(['import', '--store', `duckdb:${path}`, '-'], JSON.stringify(feed));
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^-: 1 accepted, 0 duplicate, 0 rejected, 1 skipped \(not CDRs\)$/m);
    // NDJSON files are parsed on worker threads: the same documents, one a line.
    const nd = join(dir, 'modb-dump.ndjson');
    const ndDocs = [DESIGN_DOC, storedCdr('modb-1-nd', 0), LEDGER, storedCdr('modb-2-nd', 60)];
    writeFileSync(nd, ndDocs.map((d) => JSON.stringify(d)).join('\n'));
    const w = JSON.parse((await runCli(['import', '--store', `duckdb:${path}`, '--json', nd])).stdout);
    assert.deepEqual([w.accepted, w.rejected, w.skipped], [2, 0, 2]);
    assert.equal(await countIn(path, ACCOUNT), 5);
  });

  after(() => undefined);
});
