import { asObject } from './coerce.js';
import { shortMessage } from './text-chunks.js';

export type WebhookBodyResult = { ok: true; doc: Record<string, unknown> } | { ok: false; reason: string };

/** Keys that must never become object keys when unflattening a form. */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Turns the body of a Kazoo `channel_destroy` webhook into a CDR-like document for cdrToCall.
 * Kazoo posts JSON or, with `format: form-data` (its default), `application/x-www-form-urlencoded`
 * where nested members arrive as `custom_channel_vars[account_id]=...`. The body may be raw
 * (string or Buffer) or already parsed by the HTTP layer. A payload of another hook event is
 * returned as it is: documents.ts `notACdr` tells the caller to skip it (it has no durations and
 * would be stored as an unanswered call).
 */
export function parseWebhookBody(body: unknown, contentType: string): WebhookBodyResult {
  const type = contentType.split(';')[0].trim().toLowerCase();
  const raw = body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : body;
  let doc: Record<string, unknown> | undefined;
  if (type === 'application/x-www-form-urlencoded') {
    if (typeof raw === 'string') doc = unflatten(new URLSearchParams(raw).entries());
    else {
      const obj = asObject(raw);
      if (obj === undefined) return { ok: false, reason: 'body: not a form' };
      doc = unflatten(Object.entries(obj));
    }
  } else if (type === 'application/json' || type.endsWith('+json') || type === '') {
    if (typeof raw === 'string') {
      try {
        doc = asObject(JSON.parse(raw));
      } catch (err) {
        return { ok: false, reason: `body: invalid JSON: ${shortMessage(err)}` };
      }
    } else doc = asObject(raw);
    if (doc === undefined) return { ok: false, reason: 'body: not a JSON object' };
  } else {
    return { ok: false, reason: `content-type: expected application/json or application/x-www-form-urlencoded, got '${type}'` };
  }
  if (doc.call_id === undefined && doc.data !== undefined) {
    // A crossbar-style wrapper around the one CDR.
    const inner = asObject(doc.data);
    if (inner === undefined) return { ok: false, reason: 'data: not a CDR object' };
    doc = inner;
  }
  return { ok: true, doc };
}

/**
 * Kazoo's form encoding (kz_http_util:json_to_querystring) back to JSON: `a[b][c]=v` →
 * {a: {b: {c: v}}}, `a[]=v1&a[]=v2` and `a[b][]=v` → lists in order. A repeated plain key keeps its
 * first value; a JSON-looking object value is parsed. Kazoo does not encode keys, only values.
 */
function unflatten(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const [key, rawValue] of entries) {
    const values = Array.isArray(rawValue) ? rawValue : [rawValue];
    const path = splitKey(key);
    if (path === undefined) continue;
    const list = path[path.length - 1] === '';
    const names = list ? path.slice(0, -1) : path;
    let node: Record<string, unknown> | undefined = doc;
    for (let i = 0; i < names.length - 1 && node !== undefined; i++) {
      const child: Record<string, unknown> | undefined = asObject(node[names[i]]);
      if (child !== undefined) node = child;
      else if (names[i] in node)
        node = undefined; // a scalar is already there: the first value wins
      else {
        const created: Record<string, unknown> = {};
        node[names[i]] = created;
        node = created;
      }
    }
    const leaf = names[names.length - 1];
    if (node === undefined) continue;
    if (list) {
      if (!(leaf in node)) node[leaf] = [];
      const arr = node[leaf];
      if (Array.isArray(arr)) for (const v of values) arr.push(v);
    } else if (!(leaf in node)) node[leaf] = maybeJsonObject(values[0]);
  }
  return doc;
}

/** `a[b][]` → ['a', 'b', '']; only the last segment may be empty (a list); unsafe names drop the key. */
function splitKey(key: string): string[] | undefined {
  const open = key.indexOf('[');
  const path = open <= 0 || !key.endsWith(']') ? [key] : [key.slice(0, open), ...key.slice(open + 1, -1).split('][')];
  const bad = path.some((p, i) => (p === '' && i !== path.length - 1) || UNSAFE.has(p));
  return bad || (path.length === 1 && path[0] === '') ? undefined : path;
}

function maybeJsonObject(value: unknown): unknown {
  if (typeof value !== 'string' || value.charCodeAt(0) !== 123) return value;
  try {
    return asObject(JSON.parse(value)) ?? value;
  } catch {
    return value;
  }
}
