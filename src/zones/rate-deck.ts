import type { Zone } from '../core/zone.js';
import { zoneKey } from './ids.js';
import type { ZoneDef } from './zone-def.js';

export interface RateDeckError {
  /** 1-based line where the offending record starts. */
  line: number;
  reason: string;
}

const REQUIRED = ['prefix', 'country', 'description'] as const;

/**
 * Reads an operator's rate deck: RFC 4180 CSV (quoted fields, `""` escapes, CRLF or LF, optional
 * BOM) whose header names `prefix`, `country` and `description` in any order and case; other
 * columns (`id`, `source`, `active` from `zones export`, rates, ...) are ignored, so an export can
 * be imported again. A prefix is E.164 digits, optionally with a leading `+`, spaces or dashes.
 * Bad records are reported by line and skipped; the good ones are returned. An exact repeat of a
 * record is dropped silently, while the same prefix with a different country or description is an
 * error, because a number can only have one zone per table.
 */
export function parseRateDeck(text: string): { zones: ZoneDef[]; errors: RateDeckError[] } {
  const records = readCsv(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const errors: RateDeckError[] = [];
  const header = records.shift();
  if (!header) return { zones: [], errors: [{ line: 1, reason: 'empty file: expected a header with prefix,country,description' }] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = REQUIRED.filter((r) => !names.includes(r));
  if (missing.length > 0) return { zones: [], errors: [{ line: header.line, reason: `header lacks column(s) ${missing.join(', ')}` }] };
  const [pi, ci, di] = REQUIRED.map((r) => names.indexOf(r));

  const zones: ZoneDef[] = [];
  const firstLine = new Map<string, { line: number; key: string }>();
  for (const { line, fields, error } of records) {
    if (error) {
      errors.push({ line, reason: error });
      continue;
    }
    if (fields.length === 1 && fields[0].trim() === '') continue; // blank line
    if (fields.length !== names.length) {
      errors.push({ line, reason: `expected ${names.length} fields, found ${fields.length}` });
      continue;
    }
    const prefix = fields[pi].trim().replace(/^\+/, '').replace(/[\s-]/g, '');
    const country = fields[ci].trim();
    const description = fields[di].trim();
    if (!/^[1-9]\d{0,14}$/.test(prefix)) {
      errors.push({ line, reason: `prefix '${fields[pi]}' is not 1 to 15 digits of E.164 (no leading 0)` });
      continue;
    }
    if (country === '') {
      errors.push({ line, reason: 'country is empty' });
      continue;
    }
    const def = { prefix, country, description };
    const earlier = firstLine.get(prefix);
    if (earlier) {
      if (earlier.key !== zoneKey(def))
        errors.push({ line, reason: `prefix ${prefix} is already defined differently on line ${earlier.line}` });
      continue;
    }
    firstLine.set(prefix, { line, key: zoneKey(def) });
    zones.push(def);
  }
  return { zones, errors };
}

interface CsvRecord {
  line: number;
  fields: string[];
  error?: string;
}

function readCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const record: CsvRecord = { line, fields: [] };
    records.push(record);
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const open = line;
        i++;
        for (;;) {
          if (i >= text.length) {
            record.error = `quoted field opened on line ${open} is never closed`;
            return records;
          }
          const c = text[i++];
          if (c === '"') {
            if (text[i] !== '"') break;
            i++;
          } else if (c === '\n') line++;
          field += c;
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
          record.error ??= 'text after a closing quote';
        }
      }
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') field += text[i++];
      record.fields.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
  }
  return records;
}

/** The `zones export` CSV: RFC 4180 with CRLF line ends, readable again by {@link parseRateDeck}. */
export function zonesToCsv(zones: readonly Zone[]): string {
  const rows = ['id,prefix,country,description,source,active'];
  for (const z of zones)
    rows.push([String(z.id), z.prefix, csvField(z.country), csvField(z.description), z.source, z.active ? '1' : '0'].join(','));
  return rows.join('\r\n') + '\r\n';
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
