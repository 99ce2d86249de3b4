import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import type { Call } from '../../src/core/call.js';
import type { CompiledSql } from '../../src/store/store.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import { freshStore } from '../helpers/store.js';
import { call } from '../helpers/call.js';

const N = 200_000;

/** The real store, counting the rows (CSV lines) the export pulls and noting whether its signal aborted. */
class CountingStore extends DuckDBStore {
  rows = 0;
  aborted = false;
  override async *stream(query: CompiledSql, signal?: AbortSignal): AsyncIterable<Record<string, unknown>> {
    signal?.addEventListener('abort', () => (this.aborted = true), { once: true });
    for await (const row of super.stream(query, signal)) {
      this.rows++;
      yield row;
    }
  }
  override async *streamText(query: CompiledSql, signal?: AbortSignal): AsyncIterable<string> {
    signal?.addEventListener('abort', () => (this.aborted = true), { once: true });
    for await (const text of super.streamText(query, signal)) {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.rows++;
      yield text;
    }
  }
}

function calls(): Call[] {
  const t0 = Date.UTC(2023, 0, 1) / 1000;
  return Array.from({ length: N }, (_, i) =>
    call({
      account_id: 'big',
      call_id: `c${String(i).padStart(6, '0')}`,
      call_time: t0 + i * 7,
      call_direction: i % 3 ? 'outbound' : 'inbound',
      caller_id_name: `Caller ${i % 97}`,
      caller_id_number: `+64341234${String(i % 100).padStart(2, '0')}`,
      callee_id_number: '+61412345678',
      duration_seconds: i % 600,
      billing_seconds: i % 5 ? i % 600 : 0,
      ringing_seconds: i % 30,
      unanswered: i % 5 === 0,
      hangup_cause: 'NORMAL_CLEARING',
    }),
  );
}

describe('CSV export streams and stops when the client goes away (SPEC 2.5)', () => {
  let fresh: Awaited<ReturnType<typeof freshStore>>;
  let store: CountingStore;
  let app: FastifyInstance;
  let base: string;
  let token: string;

  before(async () => {
    fresh = await freshStore();
    await fresh.store.close();
    store = new CountingStore(fresh.path, { memoryLimit: '512MB' });
    await store.init();
    const zones = await ZoneService.open(store, undefined);
    await store.insertCalls(calls());
    app = await buildApp({ store, zones, config: loadConfig({ CALLSTATS_STORE: 'duckdb:unused', CALLSTATS_RATE_LIMIT: '0' }) });
    token = (await createApiKey(store, '*')).token;
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await app.close();
    await store.close();
    await fresh.cleanup();
  });

  const url = () => `${base}/v2/accounts/big/call_statistics/csv`;

  test('a client that disconnects after a few KB stops the engine query', async () => {
    store.rows = 0;
    store.aborted = false;
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(url(), { headers: { 'x-auth-token': token } }, (res) => {
        assert.equal(res.statusCode, 200);
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received >= 4096) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
    });
    for (let i = 0; i < 100 && !store.aborted; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(store.aborted, true, 'the export signal aborted');
    const pulled = store.rows;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(store.rows, pulled, 'no rows are pulled after the abort');
    assert.ok(pulled < N / 2, `pulled ${pulled} of ${N} rows`);
  });

  test('a client that stays gets every row: header + 200,000 lines, CRLF-terminated', async () => {
    store.rows = 0;
    store.aborted = false;
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(url(), { headers: { 'x-auth-token': token } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    assert.ok(body.endsWith('\r\n'));
    const lines = body.split('\r\n');
    assert.equal(lines.length, N + 2); // header, N rows, and '' after the final CRLF
    assert.equal(lines[N + 1], '');
    assert.match(lines[1], /^c000000,/);
    assert.match(lines[N], /^c199999,/);
    assert.equal(store.rows, N);
  });
});
