/**
 * Random `q` objects (SPEC 2.4, 3) built as JSON, so every query goes through `parseQuery`: nested
 * and/or, every operator alias, every field, field-to-field comparisons, in/not_in lists, LIKE
 * patterns with `%` `_` and `\` escapes, call_time as Kazoo text and as ISO with and without offset.
 * Values are mostly drawn from the stored calls so that filters select something.
 */
import type { Call } from '../../src/core/call.js';
import { allFields, groupableFieldNames, type FieldDef } from '../../src/query/fields.js';
import { allAliases, opDef } from '../../src/query/operators.js';
import { METRICS } from '../../src/query/parse-query.js';
import { refFieldValue, type RefValue, type ZoneLookup } from './reference-filter.js';
import { refIsoLocal, refKazoo, refLocal } from './reference-time.js';
import { ACCOUNTS, TEST_ZONES, type Rng } from './random.js';

type Json = Record<string, unknown>;
type Order = 'dmy' | 'mdy';

/** One random query with the configuration it runs under. */
export interface RandomQuery {
  /** What the client sends: an object or its JSON text, with or without `data`. */
  q: unknown;
  period: 'hourly' | 'daily' | 'weekly' | 'monthly';
  account: string | undefined;
  config: { dateOrder: Order; weekStart: 'monday' | 'sunday'; defaultTimezone: string };
}

/** What the generator needs: the calls (to draw values), the zones, and a coverage tally. */
export interface QueryContext {
  calls: readonly Call[];
  zone: ZoneLookup;
  /** Aliases and fields used so far, so a run can prove it touched every one. */
  used: { aliases: Set<string>; fields: Set<string> };
}

const valueCache = new WeakMap<readonly Call[], Map<string, RefValue[]>>();

function storedValues(ctx: QueryContext, field: string): RefValue[] {
  let perField = valueCache.get(ctx.calls);
  if (!perField) valueCache.set(ctx.calls, (perField = new Map()));
  if (!perField.has(field))
    perField.set(
      field,
      ctx.calls.map((c) => refFieldValue(c, field, ctx.zone)).filter((v) => v !== null),
    );
  return perField.get(field)!;
}

const two = (n: number) => String(n).padStart(2, '0');

/** A time near `t` written one of the accepted ways, local to `tz` unless it carries an offset. */
function timeText(rng: Rng, t: number, tz: string, order: Order): string {
  const r = rng.next();
  const p = refLocal(t, tz);
  if (r < 0.3) {
    const text = refKazoo(p, order);
    return rng.chance(0.3) ? text.replace(/^0(\d):/, '$1:').replace(/ 0(\d)\//, ' $1/') : text;
  }
  if (r < 0.5) {
    const iso = refIsoLocal(p);
    return rng.pick([iso, iso.replace('T', ' '), iso.slice(0, 16), iso.slice(0, 10), `${iso}.999`, `${iso},5`]);
  }
  const offset = rng.pick([0, 13 * 3600, -3 * 3600, 5 * 3600 + 45 * 60, -(9 * 3600 + 30 * 60), 14 * 3600]);
  const wall = new Date((t + offset) * 1000).toISOString().slice(0, 19);
  if (offset === 0 && rng.chance(0.5)) return `${wall}${rng.pick(['Z', 'z', '.123Z'])}`;
  const a = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  return `${wall}${rng.pick([`${sign}${two((a / 3600) | 0)}:${two((a / 60) % 60)}`, `${sign}${two((a / 3600) | 0)}${two((a / 60) % 60)}`])}`;
}

/** A LIKE pattern derived from a stored text: some characters become `_` or `%`, literals are escaped. */
function likePattern(rng: Rng, text: string, ilike: boolean): string {
  let out = rng.chance(0.2) ? '%' : '';
  for (const ch of text) {
    const r = rng.next();
    if (r < 0.12) out += '_';
    else if (r < 0.2) out += '%';
    else {
      const c = ilike && rng.chance(0.4) ? (rng.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase()) : ch;
      out += c.replace(/[%_\\]/g, (m) => `\\${m}`);
    }
  }
  return rng.chance(0.2) ? `${out}%` : out;
}

function scalar(rng: Rng, f: FieldDef, ctx: QueryContext, tz: string, order: Order): unknown {
  const stored = storedValues(ctx, f.name);
  const sample = stored.length > 0 && rng.chance(0.85) ? rng.pick(stored) : undefined;
  switch (f.type) {
    case 'time': {
      const t = (sample as number | undefined) ?? rng.pick(ctx.calls).call_time;
      return timeText(rng, t + rng.pick([0, 0, 1, -1, rng.int(-40 * 86400, 40 * 86400)]), tz, order);
    }
    case 'enum':
      return rng.pick(f.values!);
    case 'boolean':
      return rng.pick([true, false, 1, 0, 'true', 'false', '1', '0']);
    case 'integer': {
      const n = sample === undefined ? rng.pick([0, -5, 2 ** 40, 1, 60]) : (sample as number) + rng.pick([0, 0, 0, 1, -1]);
      return rng.chance(0.3) ? String(n) : n;
    }
    case 'text': {
      if (sample === undefined) return rng.pick(['', 'zzz', 'İ', '😀', '%', 'New Zealand']);
      const s = sample as string;
      // A prefix by code points, never half a surrogate pair (lone surrogates are a 400).
      return rng.chance(0.15) ? [...s].slice(0, rng.int(0, [...s].length)).join('') : s;
    }
  }
}

function leaf(rng: Rng, ctx: QueryContext, tz: string, order: Order): Json {
  const f = rng.pick(allFields());
  const [alias, op] = rng.pick(allAliases().filter(([, o]) => opDef(o).types.includes(f.type)));
  ctx.used.aliases.add(alias);
  ctx.used.fields.add(f.name);
  const def = opDef(op);
  const entry: Json = { name: f.name, op: alias };
  if (def.arity === 'none') return rng.chance(0.2) ? { ...entry, val: null } : entry;
  if (def.fieldOperand && rng.chance(0.2)) {
    const others = allFields().filter((g) => g.type === f.type && (g.values ?? []).join() === (f.values ?? []).join());
    return { ...entry, field: rng.pick(others).name };
  }
  if (def.arity === 'list') return { ...entry, val: Array.from({ length: rng.int(1, 5) }, () => scalar(rng, f, ctx, tz, order)) };
  if (def.arity === 'pattern') {
    const stored = storedValues(ctx, f.name) as string[];
    const text = stored.length > 0 ? rng.pick(stored) : 'x';
    return { ...entry, val: likePattern(rng, text, op === 'ilike') };
  }
  return { ...entry, val: scalar(rng, f, ctx, tz, order) };
}

function entry(rng: Rng, ctx: QueryContext, tz: string, order: Order, depth: number): Json {
  if (depth < 3 && rng.chance(0.25)) {
    const children = Array.from({ length: rng.int(0, 3) }, () => entry(rng, ctx, tz, order, depth + 1));
    return { [rng.chance(0.5) ? 'or' : 'and']: children };
  }
  return leaf(rng, ctx, tz, order);
}

/** A random query: filters, grouping, zone, format, week start, metrics, period, account and config. */
export function randomQuery(rng: Rng, ctx: QueryContext): RandomQuery {
  const config = {
    dateOrder: rng.pick(['dmy', 'mdy'] as const),
    weekStart: rng.pick(['monday', 'sunday'] as const),
    defaultTimezone: rng.pick(TEST_ZONES),
  };
  const explicitTz = rng.chance(0.8) ? rng.pick(TEST_ZONES) : undefined;
  const tz = explicitTz ?? config.defaultTimezone;
  const body: Json = { filters: Array.from({ length: rng.int(0, 3) }, () => entry(rng, ctx, tz, config.dateOrder, 1)) };
  if (explicitTz !== undefined) body.timezone = rng.chance(0.05) ? explicitTz.toLowerCase() : explicitTz;
  if (rng.chance(0.7)) body.grouping = rng.pick(groupableFieldNames());
  if (rng.chance(0.6)) body.time_format = rng.pick(['kazoo', 'iso']);
  if (rng.chance(0.4)) body.week_start = rng.pick(['monday', 'sunday']);
  if (rng.chance(0.6)) body.metrics = rng.some([...METRICS, 'asr']);
  if (rng.chance(0.1)) body.verb = 'GET'; // Kazoo clients send extras; they are ignored
  const wrapped = rng.chance(0.5) ? { data: body } : body;
  return {
    q: rng.chance(0.3) ? JSON.stringify(wrapped) : wrapped,
    period: rng.pick(['hourly', 'daily', 'weekly', 'monthly'] as const),
    account: rng.chance(0.8) ? rng.pick(ACCOUNTS) : rng.pick([undefined, 'acc-none']),
    config,
  };
}
