import { CALL_COLUMN_KINDS, EXPORT_COLUMNS, EXPORTED_CALL_COLUMNS } from '../core/call.js';
import type { AndNode } from '../query/ast.js';
import { callTimeBounds } from '../query/call-time-bounds.js';
import type { CompiledSql } from '../store/store.js';
import { formatOffset, type OffsetSegment } from '../time/index.js';
import type { Dialect } from './dialect.js';
import { CALLS_ALIAS, fieldSql } from './field-sql.js';
import { ParamCollector } from './params.js';
import { fromSql, int, localTimeSql, whereSql } from './stats-sql.js';

/** What a CSV line needs besides the filter: the zone's offsets over the exported range, and the formats. */
export interface CsvLinesInput {
  account?: string;
  filters: AndNode;
  segments: readonly OffsetSegment[];
  range: readonly [number, number];
  format: 'kazoo' | 'iso';
  order: 'dmy' | 'mdy';
}

/**
 * Whole CSV lines (SPEC 2.5) written by the engine, one text value per call, in export order.
 * :TRICKY: the Node binding converts results value by value (~1 µs each), which caps a 15-column
 * export near 100k rows/s; one value per row lifts that several-fold. The same rules as csv.ts
 * (`csvField`, the reference for this SQL, compared in test/sql/csv-sql.test.ts): formula
 * neutralisation with a leading `'` except for phone numbers, RFC 4180 quoting, CRLF.
 */
export function csvLinesQuery(input: CsvLinesInput, dialect: Dialect): CompiledSql | undefined {
  const csv = dialect.csv;
  if (!csv) return undefined;
  const params = new ParamCollector();
  const t = `${CALLS_ALIAS}.call_time`;
  const local = localTimeSql(input.segments);
  const pattern = input.format === 'iso' ? '%Y-%m-%dT%H:%M:%S' : input.order === 'dmy' ? '%H:%M:%S %d/%m/%Y' : '%H:%M:%S %m/%d/%Y';
  let time = csv.formatLocal(local, pattern);
  if (input.format === 'iso') {
    const offset = (o: number) => dialect.value(formatOffset(o), params);
    const segs = input.segments;
    const suffix =
      segs.length === 1
        ? offset(segs[0].offset)
        : `CASE ${segs
            .slice(0, -1)
            .map((s) => `WHEN ${t} < ${int(s.end)} THEN ${offset(s.offset)}`)
            .join(' ')} ELSE ${offset(segs[segs.length - 1].offset)} END`;
    time = `concat(${time}, ${suffix})`;
  }
  const col = (name: string) => `${CALLS_ALIAS}.${dialect.identifier(name)}`;
  // One field per export column (core/call.ts), in the CSV's order (SPEC 2.5).
  const fields = EXPORT_COLUMNS.map((c) => {
    if (c === 'call_time') return time;
    if (c === 'caller_region' || c === 'callee_region') return csv.text(fieldSql(c, dialect));
    const kind = CALL_COLUMN_KINDS[c];
    if (kind === 'boolean') return csv.number(dialect.booleanAsInteger(col(c)));
    return kind === 'integer' ? csv.number(col(c)) : csv.text(col(c));
  });
  const where = exportWhere(input, dialect, params);
  return {
    sql: `SELECT concat(${fields.join(", ',', ")}, chr(13), chr(10)) AS line FROM ${dialect.callsFrom({ caller: true, callee: true }, input.account)} WHERE ${where} ORDER BY ${t}, ${col('call_id')}`,
    params: params.values,
  };
}

/** The stored columns csvColumnsQuery hands over in its one text value, in that order (NUL-separated). */
export const CSV_PACKED_COLUMNS = EXPORTED_CALL_COLUMNS.filter(
  (c) => c !== 'call_time' && c !== 'caller_zone_id' && c !== 'callee_zone_id',
);

/**
 * The same calls in the same order as csvLinesQuery, for lines written in code (report/csv-lines.ts):
 * `call_time` (UTC seconds), the two zone ids, and every other export column as one text `packed`,
 * the values joined by NUL (integers as their decimal text, NULL as ''), plus `hostile`: NULL, or
 * when some value itself holds a NUL, those values as a JSON list.
 * :TRICKY: the binding copies each string out of DuckDB with a native call and a UTF-8 decode
 * (~1–4 µs): one string a row instead of ~20 is what makes writing lines in code pay. No zone join:
 * region names come from the zone table in memory.
 */
export function csvColumnsQuery(input: Omit<CsvLinesInput, 'segments' | 'format' | 'order'>, dialect: Dialect): CompiledSql {
  const params = new ParamCollector();
  const col = (name: string) => `${CALLS_ALIAS}.${dialect.identifier(name)}`;
  const values = CSV_PACKED_COLUMNS.map((c) => {
    const kind = CALL_COLUMN_KINDS[c];
    if (kind === 'boolean') return `CAST(${dialect.booleanAsInteger(col(c))} AS VARCHAR)`;
    return kind === 'integer' ? `CAST(${col(c)} AS VARCHAR)` : col(c);
  });
  const where = exportWhere(input, dialect, params);
  const select = [
    col('call_time'),
    col('caller_zone_id'),
    col('callee_zone_id'),
    `concat(${values.join(', chr(0), ')}) AS packed`,
    `CASE WHEN contains(concat(${values.join(', ')}), chr(0)) THEN CAST(to_json([${values.join(', ')}]) AS VARCHAR) END AS hostile`,
  ];
  return {
    sql: `SELECT ${select.join(', ')} FROM ${fromSql(input.filters, undefined, dialect, input.account)} WHERE ${where} ORDER BY ${col('call_time')}, ${col('call_id')}`,
    params: params.values,
  };
}

/** As in statsQuery: the filter, and only the call_time sides the filter leaves open bounded by the range. */
function exportWhere(input: Pick<CsvLinesInput, 'account' | 'filters' | 'range'>, dialect: Dialect, params: ParamCollector): string {
  const t = `${CALLS_ALIAS}.call_time`;
  const [flo, fhi] = callTimeBounds(input.filters);
  return [
    whereSql(input.account, input.filters, dialect, params),
    ...(flo === -Infinity ? [`${t} >= ${dialect.value(input.range[0], params)}`] : []),
    ...(fhi === Infinity ? [`${t} <= ${dialect.value(input.range[1], params)}`] : []),
  ].join(' AND ');
}
