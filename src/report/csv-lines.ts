import { CALL_COLUMN_KINDS, EXPORT_COLUMNS } from '../core/call.js';
import { CSV_PACKED_COLUMNS } from '../sql/csv-sql.js';
import type { ColumnChunk } from '../store/store.js';
import { formatOffset, type OffsetSegment } from '../time/index.js';

/** What a line needs besides the stored columns: the zone's offsets over the window, the formats, the region names. */
export interface CsvLineFormat {
  segments: readonly OffsetSegment[];
  format: 'kazoo' | 'iso';
  order: 'dmy' | 'mdy';
  /** The CSV field of a zone id's region name ('' for none), already quoted: called once per id per export. */
  regionField: (zoneId: number) => string;
}

type Vector = ReturnType<ColumnChunk['getColumnVector']>;
type Plan = { kind: 'time' | 'text' | 'integer' | 'boolean' | 'caller_region' | 'callee_region'; source: number };

// Each export column, from csvColumnsQuery's result: call_time and the zone ids are its own columns
// (0, 1, 2), every other value is `source` in its packed text (CSV_PACKED_COLUMNS).
const PLAN: readonly Plan[] = EXPORT_COLUMNS.map((c): Plan => {
  if (c === 'call_time' || c === 'caller_region' || c === 'callee_region') return { kind: c === 'call_time' ? 'time' : c, source: -1 };
  if (c === 'caller_zone_id' || c === 'callee_zone_id') return { kind: 'integer', source: -1 };
  return { kind: CALL_COLUMN_KINDS[c], source: (CSV_PACKED_COLUMNS as readonly string[]).indexOf(c) };
});
const PACKED = CSV_PACKED_COLUMNS.length;

// The export columns as pieces: runs of consecutive packed values (export order keeps the packed
// order), and the columns between them (time, zone ids, regions).
type Piece = { run: [number, number] } | { column: number };
const PIECES: Piece[] = [];
PLAN.forEach((p, i) => {
  const last = PIECES[PIECES.length - 1];
  if (p.source >= 0 && last && 'run' in last && last.run[1] === p.source) last.run[1]++;
  else PIECES.push(p.source >= 0 ? { run: [p.source, p.source + 1] } : { column: i });
});
// The separators the pieces start or end at (the last run ends at the text's end).
const BOUNDARIES = Math.max(...PIECES.flatMap((p) => ('run' in p ? p.run.filter((b) => b < PACKED) : [])));
/**
 * A packed text none of whose values needs anything: no `"` `,` CR LF anywhere, no value starting
 * with = - @ TAB, nor with + unless the value is a phone number. Its values are then written as
 * they are, and the line is the packed text with NUL → `,` and the other columns spliced in.
 */
const NEEDS_WORK = /[",\r\n]|(?:^|\0)(?:[=@\t-]|\+(?![0-9]+(?:\0|$)))/;
const CALLER_ZONE = EXPORT_COLUMNS.indexOf('caller_zone_id');
const zoneText = (v: unknown) => (v === null ? '' : String(v));

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const NUMBER = /^\+?[0-9]+$/;
const SPECIAL = /[",\r\n]/;

/**
 * One text field as csv.ts's csvField writes it (and csv-sql.ts's SQL): a leading = + - @ TAB CR
 * gets a `'` unless the text is a phone number; a field holding `"` `,` CR or LF is quoted.
 */
export function textField(value: string | null): string {
  if (value === null) return '';
  let v = value;
  const c = v.charCodeAt(0);
  if ((c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) && !NUMBER.test(v)) v = `'${v}`;
  return SPECIAL.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** [year, month, day] of a count of days since 1970-01-01 (proleptic Gregorian; H. Hinnant's civil_from_days). */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/**
 * Writes CSV lines (SPEC 2.5) from the typed columns of csvColumnsQuery, byte for byte what
 * csvLinesQuery's SQL writes (test/report/csv-lines.test.ts compares them). Rows come in
 * call_time order, so the offset segment and the date text are looked up once per change.
 */
export class CsvLineWriter {
  private segment = 0;
  private lastTime = -Infinity;
  private day = NaN;
  private dayText = '';
  private readonly suffixes: string[];

  constructor(private readonly f: CsvLineFormat) {
    this.suffixes = f.format === 'iso' ? f.segments.map((s) => formatOffset(s.offset)) : [];
  }

  /** The lines of one chunk of csvColumnsQuery's result, joined. */
  lines(chunk: ColumnChunk): string {
    const n = chunk.rowCount;
    const [times, callerZones, calleeZones, packed, hostile] = [0, 1, 2, 3, 4].map((i) => chunk.getColumnVector(i));
    let out = '';
    const sep = new Int32Array(BOUNDARIES + 1);
    for (let r = 0; r < n; r++) {
      const text = packed.getItem(r) as string;
      if (hostile.getItem(r) === null && !NEEDS_WORK.test(text)) {
        // The fast path: most rows; every value is as it stands (test/report/csv-lines.test.ts).
        const flat = text.replaceAll('\0', ',');
        for (let k = 1, at = -1; k <= BOUNDARIES; k++) sep[k] = at = text.indexOf('\0', at + 1);
        for (let i = 0; i < PIECES.length; i++) {
          if (i) out += ',';
          const p = PIECES[i];
          if ('run' in p) out += flat.slice(p.run[0] === 0 ? 0 : sep[p.run[0]] + 1, p.run[1] === PACKED ? text.length : sep[p.run[1]]);
          else out += this.column(p.column, r, times, callerZones, calleeZones);
        }
        out += '\r\n';
        continue;
      }
      let values = text.split('\0');
      // A value holding a NUL splits into more parts: that row also came as a JSON list.
      if (values.length !== PACKED) values = (JSON.parse(hostile.getItem(r) as string) as (string | null)[]).map((v) => v ?? '');
      for (let i = 0; i < PLAN.length; i++) {
        if (i) out += ',';
        const p = PLAN[i];
        switch (p.kind) {
          case 'text':
            out += textField(values[p.source]);
            break;
          case 'integer':
          case 'boolean':
            // Decimal text already, '' for NULL (csv-sql.ts's csv.number); the zone ids are numbers.
            out +=
              p.source >= 0 ? values[p.source] : i === CALLER_ZONE ? zoneText(callerZones.getItem(r)) : zoneText(calleeZones.getItem(r));
            break;
          case 'caller_region':
            out += this.region(callerZones.getItem(r));
            break;
          case 'callee_region':
            out += this.region(calleeZones.getItem(r));
            break;
          case 'time':
            out += this.time(Number(times.getItem(r)));
            break;
        }
      }
      out += '\r\n';
    }
    return out;
  }

  /** One of the columns between the packed runs, for row `r`. */
  private column(i: number, r: number, times: Vector, callerZones: Vector, calleeZones: Vector): string {
    switch (PLAN[i].kind) {
      case 'time':
        return this.time(Number(times.getItem(r)));
      case 'caller_region':
        return this.region(callerZones.getItem(r));
      case 'callee_region':
        return this.region(calleeZones.getItem(r));
      default:
        return zoneText(i === CALLER_ZONE ? callerZones.getItem(r) : calleeZones.getItem(r));
    }
  }

  private region(zoneId: unknown): string {
    return zoneId === null ? '' : this.f.regionField(zoneId as number);
  }

  /** The local time text of UTC second `t`: the first segment whose end is after t, else the last (localTimeSql). */
  private time(t: number): string {
    const segs = this.f.segments;
    if (t < this.lastTime) this.segment = 0;
    this.lastTime = t;
    while (this.segment < segs.length - 1 && t >= segs[this.segment].end) this.segment++;
    const offset = segs.length ? segs[this.segment].offset : 0;
    const local = t + offset;
    const day = Math.floor(local / 86400);
    if (day !== this.day) {
      this.day = day;
      const [y, m, d] = civil(day);
      // Exports are clamped to 1970–2099 UTC (time-bounds.ts), so a year is always four digits.
      const Y = String(y).padStart(4, '0');
      this.dayText =
        this.f.format === 'iso'
          ? `${Y}-${PAD2[m]}-${PAD2[d]}`
          : this.f.order === 'dmy'
            ? `${PAD2[d]}/${PAD2[m]}/${Y}`
            : `${PAD2[m]}/${PAD2[d]}/${Y}`;
    }
    const s = local - day * 86400;
    const hms = `${PAD2[Math.floor(s / 3600)]}:${PAD2[Math.floor((s % 3600) / 60)]}:${PAD2[s % 60]}`;
    if (this.f.format === 'iso') return `${this.dayText}T${hms}${segs.length ? this.suffixes[this.segment] : formatOffset(0)}`;
    return `${hms} ${this.dayText}`;
  }
}
