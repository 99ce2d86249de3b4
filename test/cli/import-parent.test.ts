import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readableAccounts } from '../../src/accounts/subaccounts.js';
import { main } from '../../src/cli/main.js';
import { CallstatsError } from '../../src/core/errors.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { kazooCdr } from '../helpers/cdrs.js';
import { RESELLER } from '../accounts/fixtures.js';

// `callstats import --parent R` (docs/accounts.md, "Linking accounts"): the operator's trusted way to
// put a reseller's history under R, directly and through a running server's control channel.
const dir = mkdtempSync(join(tmpdir(), 'callstats-import-parent-'));
const PATH = join(dir, 'callstats.duckdb');
const ENV = { ...process.env, CALLSTATS_STORE: `duckdb:${PATH}`, CALLSTATS_RATE_LIMIT: '0' };
after(() => rmSync(dir, { recursive: true, force: true }));

const A = 'a0000000000000000000000000000001';
const B = 'a0000000000000000000000000000002';
const C = 'a0000000000000000000000000000003';
const D = 'a0000000000000000000000000000004';
const E = 'a0000000000000000000000000000005';
const OTHER = 'b0000000000000000000000000000000';

/** A CDR file: crossbar-style Kazoo CDRs (test/helpers/cdrs.ts), `n` per account. */
function cdrFile(name: string, accounts: string[], n = 2): string {
  const path = join(dir, name);
  const docs = accounts.flatMap((a) =>
    Array.from({ length: n }, (_, i) =>
      kazooCdr(`${name}-${a.slice(-1)}-${i}`, 1_780_000_000 + i * 60, { custom_channel_vars: { account_id: a } }),
    ),
  );
  writeFileSync(path, JSON.stringify(docs));
  return path;
}

/** One `callstats` run in this process, ended as run.ts ends it: exit code and the stderr line. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, ENV);
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    typeof chunk === 'string' ? true : (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest)) as typeof write;
  try {
    return { code: await main(args), stderr: '' };
  } catch (err) {
    if (!(err instanceof CallstatsError)) throw err;
    return { code: err.status < 500 ? 2 : 1, stderr: `callstats: ${err.message} ${JSON.stringify(err.data)}\n` };
  } finally {
    process.stdout.write = write;
    Object.assign(process.env, saved);
  }
}

async function onStore<T>(f: (s: DuckDBStore) => Promise<T>): Promise<T> {
  const store = new DuckDBStore(PATH);
  await store.init();
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}
const parents = () => onStore(async (s) => (await s.listAccountParents()).map((l) => [l.account_id, l.parent_id]));
const counts = (ids: string[]) => onStore(async (s) => Promise.all(ids.map((id) => s.countCalls(id))));

async function serve(): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'serve', '--port', '0'], {
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (/serving \S+ on http/.test(out)) resolve();
    });
    void exited.then(() => reject(new Error(`serve exited before listening: ${out}`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('import --parent', () => {
  test('records R as the parent of every account imported, also one that had calls of its own, and R reads them', async () => {
    assert.equal((await cli(['import', cdrFile('own.json', [A])])).code, 0);
    assert.equal((await cli(['import', '--parent', RESELLER, cdrFile('history.json', [A, B])])).code, 0);
    assert.deepEqual(await parents(), [
      [A, RESELLER],
      [B, RESELLER],
    ]);
    assert.deepEqual(await counts([A, B]), [4, 2]);
    assert.deepEqual(await onStore((s) => readableAccounts(s, { account: RESELLER, subaccounts: true })), [RESELLER, A, B]);
    assert.equal((await cli(['import', '--parent', RESELLER, join(dir, 'history.json')])).code, 0, 'again: duplicates, no new link');
    assert.equal((await parents()).length, 2);
  });

  test('an account with another parent is an error naming it; its batch stores nothing and links nothing', async () => {
    assert.equal((await cli(['import', '--parent', OTHER, cdrFile('other.json', [C])])).code, 0);
    const r = await cli(['import', '--parent', RESELLER, cdrFile('mixed.json', [D, C])]);
    assert.deepEqual(r, {
      code: 2,
      stderr: `callstats: --parent ${RESELLER}: account_id: ${C} already belongs to account ${OTHER}, outside ${RESELLER}'s tree {"account_id":"${C}"}\n`,
    });
    assert.deepEqual(await counts([C, D]), [2, 0]);
    assert.deepEqual(
      (await parents()).filter(([a]) => a === C || a === D),
      [[C, OTHER]],
    );
  });

  test('a --parent that is no account id is a usage error, before anything is read', async () => {
    const r = await cli(['import', '--parent', 'ABCDEF0123456789ABCDEF0123456789', cdrFile('bad.json', [E])]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^callstats: --parent: /);
    assert.deepEqual(await counts([E]), [0]);
  });

  test('through a running server (the control channel) the same links and the same error', async () => {
    const server = await serve();
    try {
      assert.equal((await cli(['import', '--parent', RESELLER, cdrFile('live.json', [E])])).code, 0);
      const r = await cli(['import', '--parent', RESELLER, join(dir, 'mixed.json')]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`account_id: ${C} already belongs to account ${OTHER}`));
    } finally {
      await server.stop();
    }
    assert.deepEqual(
      (await parents()).filter(([a]) => a === E),
      [[E, RESELLER]],
    );
    assert.deepEqual(await counts([E, D]), [2, 0]);
  });
});
