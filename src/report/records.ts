import { EXPORT_COLUMNS } from '../core/call.js';
import { CallstatsError } from '../core/errors.js';
import { regionName } from '../core/zone.js';
import type { ZoneService } from '../zones/zone-service.js';
import { getDialect } from '../sql/dialects.js';
import { recordsQuery, type RecordCursor } from '../sql/records-sql.js';
import type { Store } from '../store/store.js';
import { formatCallTime, offsetSegments, type DateOrder } from '../time/index.js';
import { csvColumnsQuery, csvLinesQuery } from '../sql/csv-sql.js';
import { CsvLineWriter, textField } from './csv-lines.js';
import { callTimeWindow } from './statistics.js';
import { boundedCallTimeFilters, clampCallTimeFilters } from './time-bounds.js';
import { csvLine, CSV_HEADER, type RecordRow } from './csv.js';
import { EXPORT_WINDOW_ROWS, exportWindows } from './export-windows.js';
import type { ParsedQuery } from '../query/parse-query.js';

export type { RecordRow } from './csv.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 10_000;

/**
 * Turns a row of the records query into an export record: local call_time, region names. The row is
 * canonical (store/canonical-row.ts): integers are numbers, NULL is null and `unanswered` is the
 * query's 0/1 (booleanAsInteger), so every other column is taken as it is, in EXPORT_COLUMNS order.
 */
export function toRecord(
  stored: Record<string, unknown>,
  zones: ZoneService,
  tz: string,
  format: 'kazoo' | 'iso',
  order: DateOrder,
): RecordRow {
  const region = (id: unknown) => {
    const z = zones.zone(id as number | null);
    return z ? regionName(z) : null;
  };
  const record: Record<string, string | number | null> = {};
  for (const c of EXPORT_COLUMNS) {
    if (c === 'call_time') record[c] = formatCallTime(stored.call_time as number, tz, format, order);
    else if (c === 'caller_region') record[c] = region(stored.caller_zone_id);
    else if (c === 'callee_region') record[c] = region(stored.callee_zone_id);
    else record[c] = (stored[c] ?? null) as string | number | null;
  }
  return record as RecordRow;
}

/** Streams every matching record in export order; aborting `signal` stops the engine's query. */
export async function* streamRecords(
  store: Store,
  zones: ZoneService,
  account: string | undefined,
  query: ParsedQuery,
  order: DateOrder,
  signal?: AbortSignal,
): AsyncGenerator<RecordRow> {
  // Records outside CALL_TIME_MIN..CALL_TIME_MAX are never answered (time-bounds.ts).
  const sql = recordsQuery({ account, filters: boundedCallTimeFilters(query.filters) }, getDialect(store.dialect, store.engineVersion));
  for await (const row of store.stream(sql, signal)) yield toRecord(row, zones, query.timezone, query.timeFormat, order);
}

/**
 * The export as CSV text chunks (header first). Engines that can write CSV lines themselves do
 * (csv-sql.ts: one value per call instead of fifteen); others go through toRecord and csv.ts.
 */
export async function* csvChunks(
  store: Store,
  zones: ZoneService,
  account: string | undefined,
  query: ParsedQuery,
  order: DateOrder,
  signal?: AbortSignal,
  windowRows = EXPORT_WINDOW_ROWS,
): AsyncGenerator<string> {
  // The header travels with the first lines, so nothing is yielded before the store has answered:
  // a caller that awaits the first chunk learns of a failing store before it has sent anything.
  let header = CSV_HEADER;
  for await (const chunk of joined(csvLines(store, zones, account, query, order, signal, windowRows))) {
    yield header + chunk;
    header = '';
  }
  if (header) yield header;
}

async function* csvLines(
  store: Store,
  zones: ZoneService,
  account: string | undefined,
  query: ParsedQuery,
  order: DateOrder,
  signal?: AbortSignal,
  windowRows = EXPORT_WINDOW_ROWS,
): AsyncGenerator<string> {
  const dialect = getDialect(store.dialect, store.engineVersion);
  if (!dialect.csv) {
    for await (const r of streamRecords(store, zones, account, query, order, signal)) yield csvLine(r);
    return;
  }
  const filters = clampCallTimeFilters(query.filters);
  const window = await callTimeWindow(store, account, filters);
  if (!window) return;
  const [lo, hi] = window.range;
  const regions = new Map<number, string>();
  const regionField = (id: number) => {
    let f = regions.get(id);
    if (f === undefined) {
      const z = zones.zone(id);
      regions.set(id, (f = z ? textField(regionName(z)) : ''));
    }
    return f;
  };
  // One ordered query per call_time window (export-windows.ts): no sort holds the whole result.
  for (const [from, to] of await exportWindows(store, account, filters, lo, hi, windowRows)) {
    const bounded = boundedCallTimeFilters(filters, from, to);
    const segments = offsetSegments(query.timezone, from, to + 1);
    if (store.streamChunks) {
      // Typed columns, lines written in code (csv-lines.ts): several times cheaper than text built in SQL.
      const writer = new CsvLineWriter({ segments, format: query.timeFormat, order, regionField });
      for await (const chunk of store.streamChunks(csvColumnsQuery({ account, filters: bounded, range: [from, to] }, dialect), signal)) {
        yield writer.lines(chunk);
      }
      if (signal?.aborted) return;
      continue;
    }
    const sql = csvLinesQuery({ account, filters: bounded, segments, range: [from, to], format: query.timeFormat, order }, dialect)!;
    if (store.streamText) yield* store.streamText(sql, signal);
    else for await (const row of store.stream(sql, signal)) yield row.line as string;
    if (signal?.aborted) return;
  }
}

/** Joins lines into ~64 KiB chunks: one socket write per chunk, not per call. */
async function* joined(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let chunk = '';
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Opaque page cursor: base64url of the last record's (call_time, call_id). */
function encodeCursor(c: RecordCursor): string {
  return Buffer.from(JSON.stringify([c.call_time, c.call_id])).toString('base64url');
}

function decodeCursor(key: string): RecordCursor {
  try {
    const [t, id] = JSON.parse(Buffer.from(key, 'base64url').toString('utf8')) as [unknown, unknown];
    if (Number.isSafeInteger(t) && typeof id === 'string') return { call_time: t as number, call_id: id };
  } catch {
    // fall through to the 400
  }
  throw new CallstatsError('ERR_START_KEY', 'invalid start_key', { start_key: 'not a key returned by a previous page' });
}

/** One page of records: `page_size` records after `start_key`, and the key of the next page if any. */
export async function recordsPage(
  store: Store,
  zones: ZoneService,
  account: string | undefined,
  query: ParsedQuery,
  order: DateOrder,
  pageSize: number,
  startKey?: string,
): Promise<{ data: RecordRow[]; page_size: number; next_start_key?: string }> {
  const after = startKey ? decodeCursor(startKey) : undefined;
  const filters = boundedCallTimeFilters(query.filters);
  const rows = await store.all(
    recordsQuery({ account, filters, after, limit: pageSize + 1 }, getDialect(store.dialect, store.engineVersion)),
  );
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  const data = page.map((r) => toRecord(r, zones, query.timezone, query.timeFormat, order));
  return {
    data,
    page_size: data.length,
    ...(rows.length > pageSize && last
      ? { next_start_key: encodeCursor({ call_time: last.call_time as number, call_id: last.call_id as string }) }
      : {}),
  };
}
