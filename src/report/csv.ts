import { EXPORT_COLUMNS } from '../core/call.js';

/** CSV columns, in order (SPEC 2.5): the export columns of core/call.ts. */
export const CSV_COLUMNS = EXPORT_COLUMNS;

export type RecordRow = Record<(typeof CSV_COLUMNS)[number], string | number | null>;

const NUMBER = /^\+?[0-9]+$/;
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * One CSV field (RFC 4180). Text a spreadsheet would run as a formula gets a leading `'`
 * (caller ID names come from strangers); a phone number like `+6434123456` is left alone.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let v = value;
  if (v.length > 0 && FORMULA_START.has(v[0]) && !NUMBER.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export const CSV_HEADER = CSV_COLUMNS.join(',') + '\r\n';

export function csvLine(r: RecordRow): string {
  let line = '';
  for (let i = 0; i < CSV_COLUMNS.length; i++) {
    if (i) line += ',';
    line += csvField(r[CSV_COLUMNS[i]]);
  }
  return line + '\r\n';
}
