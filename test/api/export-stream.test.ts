import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/accounts/tokens.js';
import { loadConfig } from '../../src/core/config.js';
import type { Call } from '../../src/core/call.js';
import type { ColumnChunk, CompiledSql } from '../../src/store/store.js';
import { DuckDBStore } from '../../src/store/duckdb/duckdb-store.js';
import { ZoneService } from '../../src/zones/zone-service.js';
import { parseQuery } from '../../src/query/parse-query.js';
import { CSV_HEADER } from '../../src/report/csv.js';
import { exportWindows } from '../../src/report/export-windows.js';
import { csvChunks } from '../../src/report/records.js';
import { callTimeWindow } from '../../src/report/statistics.js';
import { clampCallTimeFilters } from '../../src/report/time-bounds.js';
import { csvLinesQuery } from '../../src/sql/csv-sql.js';
import { getDialect } from '../../src/sql/dialects.js';
import { isValidTimeZone, offsetSegments, parseCallTime } from '../../src/time/index.js';
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
  override async *streamChunks(query: CompiledSql, signal?: AbortSignal): AsyncIterable<ColumnChunk> {
    signal?.addEventListener('abort', () => (this.aborted = true), { once: true });
    for await (const chunk of super.streamChunks(query, signal)) {
      this.rows += chunk.rowCount;
      yield chunk;
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

describe('CSV export in call_time windows', () => {
  let f: Awaited<ReturnType<typeof freshStore>>;
  // Around both 2025 daylight-saving changes of Pacific/Auckland (6 April back, 28 September
  // forward), five calls per call_time, inserted in shuffled order, text that needs quoting.
  const t0s = [Date.UTC(2025, 3, 5, 12) / 1000, Date.UTC(2025, 8, 27, 12) / 1000];
  const windowed: Call[] = [];
  for (const t0 of t0s) {
    for (let i = 0; i < 400; i++) {
      const k = (i * 263) % 400;
      windowed.push(
        call({
          account_id: 'win',
          call_id: `w${t0}-${String(k % 5)}-${k}`,
          call_time: t0 + Math.floor(k / 5) * 900,
          call_direction: k % 2 ? 'inbound' : 'outbound',
          caller_id_name: k % 3 ? `Smith, "J" ${k}` : null,
          caller_id_number: `+6434${k}`,
          callee_id_number: '=1+2',
          caller_zone_id: null,
          callee_zone_id: null,
          duration_seconds: k,
          billing_seconds: k % 7,
          ringing_seconds: null,
          unanswered: k % 4 === 0,
          hangup_cause: 'NORMAL_CLEARING',
        }),
      );
    }
  }
  before(async () => {
    f = await freshStore();
    await f.store.insertCalls(windowed);
  });
  after(() => f.cleanup());

  /** The export as one ordered query over its whole range: what it was before windows. */
  async function singleQuery(query: ReturnType<typeof parse>): Promise<string> {
    const filters = clampCallTimeFilters(query.filters);
    const w = await callTimeWindow(f.store, 'win', filters);
    const [lo, hi] = w!.range;
    const sql = csvLinesQuery(
      {
        account: 'win',
        filters,
        segments: offsetSegments(query.timezone, lo, hi + 1),
        range: [lo, hi],
        format: query.timeFormat,
        order: 'dmy',
      },
      getDialect('duckdb'),
    )!;
    let text = CSV_HEADER;
    for await (const chunk of f.store.streamText(sql)) text += chunk;
    return text;
  }
  const parse = (q: unknown) =>
    parseQuery(q, { defaultTimezone: 'UTC', isValidTimeZone, parseTime: (v, tz) => parseCallTime(v, tz, 'dmy') });

  for (const timeFormat of ['kazoo', 'iso'] as const) {
    test(`windows of 7 calls give the single query's bytes (${timeFormat} times, DST days, equal call_times)`, async () => {
      for (const q of [
        { timezone: 'Pacific/Auckland', time_format: timeFormat },
        {
          timezone: 'Pacific/Auckland',
          time_format: timeFormat,
          filters: [
            { name: 'call_time', op: '>=', val: '00:00:00 06/04/2025' },
            { name: 'duration_seconds', op: '>=', val: 3 },
          ],
        },
      ]) {
        const query = parse(q);
        const windows = await exportWindows(f.store, 'win', clampCallTimeFilters(query.filters), 1_743_854_400, 1_759_000_000, 7);
        assert.ok(windows.length >= 20, `${windows.length} windows`);
        let text = '';
        for await (const chunk of csvChunks(f.store, f.zones, 'win', query, 'dmy', undefined, 7)) text += chunk;
        const expected = await singleQuery(query);
        assert.ok(expected.split('\r\n').length > 300);
        assert.equal(text, expected);
      }
    });
  }

  test('windows are contiguous, cover the range, and none holds more than its limit unless one slice does', async () => {
    const filters = clampCallTimeFilters(parse({ timezone: 'UTC' }).filters);
    const [lo, hi] = [t0s[0], t0s[1] + 80 * 900];
    const windows = await exportWindows(f.store, 'win', filters, lo, hi, 50);
    assert.equal(windows[0][0], lo);
    assert.equal(windows[windows.length - 1][1], hi);
    for (let i = 1; i < windows.length; i++) assert.equal(windows[i][0], windows[i - 1][1] + 1);
    for (const [a, b] of windows) {
      const [row] = await f.store.all({
        sql: 'SELECT count(*) AS n FROM calls WHERE account_id = $1 AND call_time BETWEEN $2 AND $3',
        params: ['win', a, b],
      });
      assert.ok(Number(row.n) <= 50, `[${a}, ${b}] holds ${String(row.n)}`);
    }
    const [all] = await f.store.all({ sql: 'SELECT count(*) AS n FROM calls WHERE account_id = $1', params: ['win'] });
    assert.equal(all.n, 800);
  });
});
