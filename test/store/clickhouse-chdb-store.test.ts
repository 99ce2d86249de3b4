import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallstatsError } from '../../src/core/errors.js';
import { openStore, parseStoreLocation, writeServerHandle } from '../../src/store/open-store.js';
import { RemoteStore } from '../../src/store/remote/remote-store.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { chdbDir } from '../helpers/chdb.js';
import { makeCall } from './clickhouse-fixtures.js';

// `chdb:DIR` behaves like a DuckDB file: the store opens in-process on ClickHouse 26.x, one process
// holds the directory, and other processes' commands go through the server that holds it.

test('chdb:DIR opens the ClickHouse store on the 26.x engine; data outlives the process that wrote it', async () => {
  const dir = chdbDir();
  try {
    const store = await openStore(dir.url, { queryTimeoutMs: 30_000 });
    assert.ok(store instanceof ClickHouseStore);
    assert.match(store.engineVersion ?? '', /^2[6-9]\./);
    assert.deepEqual(await store.insertCalls([makeCall('acc', 1), makeCall('acc', 2)]), { inserted: 2, duplicates: 0 });
    assert.deepEqual(await store.insertCalls([makeCall('acc', 2)]), { inserted: 0, duplicates: 1 });
    await store.close();
    const again = await openStore(dir.url, { queryTimeoutMs: 30_000 });
    assert.equal(await again.countCalls('acc'), 2);
    await again.close();
  } finally {
    dir.cleanup();
  }
});

test('a directory held by another process is ERR_STORE_LOCKED (503); with a running server the CLI goes through it', async () => {
  const dir = chdbDir();
  // The other process: opens the store, says so, and holds it until its stdin closes.
  const holder = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { openStore } = await import(${JSON.stringify(join(process.cwd(), 'src/store/open-store.ts'))});
const s = await openStore(${JSON.stringify(dir.url)}, { queryTimeoutMs: 30000 });
process.stdout.write('open\\n');
process.stdin.resume();
process.stdin.on('end', async () => { await s.close(); process.exit(0); });`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  try {
    const [first] = (await once(holder.stdout!, 'data')) as [Buffer];
    assert.equal(first.toString().trim(), 'open');
    await assert.rejects(openStore(dir.url, { queryTimeoutMs: 30_000 }), (err: unknown) => {
      assert.ok(err instanceof CallstatsError, String(err));
      assert.equal(err.code, 'ERR_STORE_LOCKED');
      assert.equal(err.status, 503);
      assert.equal(err.message, `the store chdb:${dir.dir} is in use by another process`);
      return true;
    });
    // The handle must answer the control channel, or it is stale (a dead server's) and the lock
    // error stands: a stand-in for the running server that answers every RPC.
    const standIn = createServer((_req, res) => res.end('{"result":0}'));
    standIn.listen(0, '127.0.0.1');
    await once(standIn, 'listening');
    after(() => standIn.close());
    const remove = writeServerHandle(parseStoreLocation(dir.url), {
      url: `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`,
      controlToken: 't',
      pid: holder.pid!,
      dialect: 'clickhouse',
    });
    assert.ok(existsSync(join(dir.dir, 'callstats.server.json')));
    const remote = await openStore(dir.url, { allowRemote: true, queryTimeoutMs: 30_000 });
    assert.ok(remote instanceof RemoteStore);
    remove();
  } finally {
    holder.stdin!.end();
    await once(holder, 'exit');
    dir.cleanup();
  }
});

test('without the chdb package, chdb:DIR fails at start with the command that installs it', async () => {
  // A process in which `chdb/connection` does not resolve, as on a machine where it was never installed.
  const hide = `const M = require('node:module'); const r = M._resolveFilename;
M._resolveFilename = function (request, ...rest) {
  if (request.startsWith('chdb')) throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
  return r.call(this, request, ...rest);
};`;
  const dir = chdbDir();
  const preload = join(dir.dir, 'hide-chdb.cjs');
  writeFileSync(preload, hide);
  const child = spawn(
    process.execPath,
    [
      '--require',
      preload,
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { openStore } = await import(${JSON.stringify(join(process.cwd(), 'src/store/open-store.ts'))});
try { await openStore('chdb:/nonexistent/callstats', { queryTimeoutMs: 1000 }); } catch (err) { process.stdout.write(err.message); }`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await once(child, 'exit');
  dir.cleanup();
  assert.equal(
    out,
    "CALLSTATS_STORE=chdb:/nonexistent/callstats needs the chdb package (ClickHouse's in-process engine, ~543 MB), which callstats does not install: run `npm install --no-save chdb@3.4.0` in the callstats folder",
  );
});
