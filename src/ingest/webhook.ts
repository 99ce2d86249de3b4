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
 * refused: it has no durations and would be stored as an unanswered call.
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
  const event = doc.hook_event;
  if (event !== undefined && event !== 'channel_destroy') {
    return { ok: false, reason: `hook_event: expected 'channel_destroy', got '${String(event).slice(0, 40)}'` };
  }
  return { ok: true, doc };
}

/** `a[b][c]=v` → {a: {b: {c: v}}}; a repeated key keeps its first value; a JSON-looking object value is parsed. */
function unflatten(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const [key, rawValue] of entries) {
    const value = Array.isArray(rawValue) ? rawValue[0] : rawValue;
    const path = splitKey(key);
    if (path === undefined) continue;
    let node = doc;
    for (let i = 0; i < path.length - 1; i++) {
      const child = asObject(node[path[i]]);
      if (child !== undefined) node = child;
      else {
        const created: Record<string, unknown> = {};
        node[path[i]] = created;
        node = created;
      }
    }
    const leaf = path[path.length - 1];
    if (!(leaf in node)) node[leaf] = maybeJsonObject(value);
  }
  return doc;
}

function splitKey(key: string): string[] | undefined {
  const open = key.indexOf('[');
  const path = open <= 0 || !key.endsWith(']') ? [key] : [key.slice(0, open), ...key.slice(open + 1, -1).split('][')];
  return path.some((p) => p === '' || UNSAFE.has(p)) ? undefined : path;
}

function maybeJsonObject(value: unknown): unknown {
  if (typeof value !== 'string' || value.charCodeAt(0) !== 123) return value;
  try {
    return asObject(JSON.parse(value)) ?? value;
  } catch {
    return value;
  }
}
