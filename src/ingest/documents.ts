import { asObject, shown } from './coerce.js';
import { kazooEventToCdr } from './kazoo-event.js';
import type { RawRecord } from './types.js';

/**
 * Wrappers followed inside one document (a listing holding grouped elements holding legs is 3).
 * Deeper nesting is no Kazoo shape; it is handed to cdrToCall, which rejects it.
 */
const MAX_DEPTH = 4;

/** Event names of documents that are a hangup: a CHANNEL_DESTROY event, or the `cdr` the cdr app stores. */
const HANGUP_EVENTS = new Set(['channel_destroy', 'cdr']);

/**
 * Appends what one parsed JSON value holds to `out`, every record with the value's `index` and
 * `line`: CDRs as documents, documents that are not CDRs as skipped records, and a wrapper's
 * contents in their order. The shapes (docs/kazoo-inputs.md): a CDR; a crossbar listing
 * `{"data": [...]}` or details `{"data": {...}}`; a `grouped=true` element
 * `{"<a-leg call id>": [leg, ...]}`; a CouchDB `_all_docs` dump `{"rows": [...]}` or `_changes`
 * feed `{"results": [...]}` and their single rows (`{"id", "doc"}`, NDJSON of a continuous feed);
 * a websocket (blackhole) event `{"action": "event", "name", "data"}`; an AMQP call event with
 * `Event-Name`. The `last_seq` line that ends a `_changes` feed is not a document and adds nothing.
 */
export function pushDocument(index: number, line: number | undefined, value: unknown, out: RawRecord[], depth = 0): void {
  const d = asObject(value);
  if (d === undefined || depth >= MAX_DEPTH || d.call_id !== undefined || d['Call-ID'] !== undefined) {
    return pushCdr(index, line, value, out);
  }
  const at = (r: Omit<RawRecord, 'index' | 'line'>): void => {
    out.push(line === undefined ? { index, ...r } : { index, line, ...r });
  };
  for (const key of ['results', 'rows'] as const) {
    if (Array.isArray(d[key])) {
      for (const row of d[key] as unknown[]) pushRow(index, line, key, row, out);
      return;
    }
  }
  if (Array.isArray(d.data)) {
    for (const item of d.data) pushDocument(index, line, item, out, depth + 1);
    return;
  }
  const inner = asObject(d.data) ?? (typeof d.name === 'string' ? asObject(d.args) : undefined);
  if (inner !== undefined) {
    // A websocket event names itself outside its data; only a CHANNEL_DESTROY can be a CDR.
    if (typeof d.name === 'string' && d.name !== 'CHANNEL_DESTROY') return at({ skip: `websocket event '${d.name.slice(0, 40)}'` });
    return pushDocument(index, line, inner, out, depth + 1);
  }
  if (typeof d.id === 'string' && ('doc' in d || 'value' in d || 'changes' in d || 'seq' in d)) {
    return pushRow(index, line, 'rows', d, out);
  }
  const keys = Object.keys(d);
  if (keys.length > 0 && keys.every((k) => k === 'last_seq' || k === 'pending')) return;
  if (keys.length > 0 && keys.every((k) => Array.isArray(d[k]))) {
    // crossbar `grouped=true`: the legs of each call under its A-leg's call id.
    for (const k of keys) for (const leg of d[k] as unknown[]) pushDocument(index, line, leg, out, depth + 1);
    return;
  }
  pushCdr(index, line, d, out);
}

/** One row of `_all_docs` (`rows`) or `_changes` (`results`): the document is in `doc`. */
function pushRow(index: number, line: number | undefined, key: string, value: unknown, out: RawRecord[]): void {
  const at = (r: Omit<RawRecord, 'index' | 'line'>): void => {
    out.push(line === undefined ? { index, ...r } : { index, line, ...r });
  };
  const row = asObject(value);
  if (row === undefined) return at({ error: `${key}: element is not an object` });
  if (typeof row.id === 'string' && row.id.startsWith('_design/')) return at({ skip: 'design document' });
  if (row.deleted === true || asObject(row.value)?.deleted === true) return at({ skip: 'deleted document' });
  const doc = asObject(row.doc);
  if (doc !== undefined) return pushCdr(index, line, doc, out);
  const why = typeof row.error === 'string' ? `row error '${row.error}'` : 'row has no "doc" (dump without include_docs=true?)';
  at({ error: `${key}: ${why}` });
}

/** A document that should be a CDR: skipped when Kazoo itself says it is something else. */
function pushCdr(index: number, line: number | undefined, value: unknown, out: RawRecord[]): void {
  const at = (r: Omit<RawRecord, 'index' | 'line'>): void => {
    out.push(line === undefined ? { index, ...r } : { index, line, ...r });
  };
  const d = asObject(value);
  if (d === undefined) return at({ doc: value });
  if (typeof d['Event-Name'] === 'string') {
    // An AMQP call event as captured from the callevt exchange: read it as Kazoo's cdr app would.
    const ev = kazooEventToCdr(d);
    if (ev.kind === 'cdr') return at({ doc: ev.doc });
    return at(ev.kind === 'skip' ? { skip: ev.reason } : { error: ev.reason });
  }
  const skip = notACdr(d);
  at(skip === undefined ? { doc: d } : { skip });
}

/** Why a document is not a CDR by Kazoo's own markers, or undefined when it may be one. */
export function notACdr(d: Record<string, unknown>): string | undefined {
  if (typeof d._id === 'string' && d._id.startsWith('_design/')) return 'design document';
  if (d._deleted === true) return 'deleted document';
  if (d.pvt_type !== undefined && d.pvt_type !== 'cdr') return `pvt_type ${shown(d.pvt_type)}: not a CDR`;
  if (typeof d.event_name === 'string' && !HANGUP_EVENTS.has(d.event_name.toLowerCase())) {
    return `event_name '${d.event_name.slice(0, 40)}': not a hangup`;
  }
  if (d.hook_event !== undefined && d.hook_event !== 'channel_destroy') return `hook_event ${shown(d.hook_event)}: not channel_destroy`;
  return undefined;
}
