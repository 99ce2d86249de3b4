/**
 * Kazoo's crossbar CSV export (`GET /v2/accounts/{A}/cdrs` with `Accept: text/csv`), read by the
 * formats of its columns rather than by counting commas.
 *
 * :TRICKY: cb_cdrs.erl joins the cells with a bare comma and never quotes or escapes them
 * (`kz_binary:join(..., <<",">>)`), so any comma inside a value adds a field: from 4.2 every row
 * has one in `rfc_1036` (`Mon, 06 May 2019 23:09:58 GMT`), and caller names hold them too. Up to
 * 4.1 `col_rfc1036`/`col_iso8601` wrapped their value in double quotes, which RFC 4180 reads as
 * one field. When a row has more fields than the header, the extra commas are placed by the
 * columns' formats (the `col_*` functions of 3.22 … 4.3): ids, numbers, durations, times and
 * directions cannot hold a comma, `rfc_1036` holds exactly one, and only free text (names, rate
 * name, recordings) may hold any. A row that fits in exactly one way is read; none or several is an
 * error record, never a guess.
 */

/** A column's content: a pattern its whole text matches, or free text that may hold commas. */
type Format = RegExp | 'text';

/** Ids, call ids, SIP URIs, host names: no blank, no comma. */
const TOKEN = /^[^\s,]*$/;
/** A caller or callee number: a token, or digits written with spaces and punctuation. */
const PHONE = /^(?:[^\s,]*|[+0-9 ().-]*)$/;
const DIGITS = /^[0-9]*$/;
const SIGNED = /^-?[0-9]*$/;
/** Erlang's `kz_term:to_binary` of an integer or a float (`0.0`, `1.5e-2`). */
const DECIMAL = /^-?[0-9.]*(?:e[+-]?[0-9]+)?$/;
/** `kz_time:rfc1036/1`: `Mon, 06 May 2019 23:09:58 GMT` — the one known format with a comma. */
const RFC_1036 = /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{1,4} [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Z]+)?$/;
const ISO_8601 = /^[0-9T:.+Z-]*$/;
const DATETIME = /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2})?$/;
/** An unknown column (not one of Kazoo's): anything without a comma. */
const NO_COMMA = /^[^,]*$/;

/** Kazoo's CSV columns (cb_cdrs.erl `?COLUMNS`, `?COLUMNS_RESELLER` on 3.22, 4.0, 4.1, 4.2, 4.3). */
const FORMATS: Record<string, Format> = {
  id: TOKEN,
  call_id: TOKEN,
  caller_id_number: PHONE,
  caller_id_name: 'text',
  callee_id_number: PHONE,
  callee_id_name: 'text',
  duration_seconds: DIGITS,
  billing_seconds: DIGITS,
  timestamp: DIGITS,
  hangup_cause: /^[A-Z0-9_]*$/,
  disposition: NO_COMMA,
  other_leg_call_id: TOKEN,
  owner_id: TOKEN,
  to: TOKEN,
  from: TOKEN,
  direction: /^(?:inbound|outbound)?$/,
  request: TOKEN,
  authorizing_id: TOKEN,
  cost: DECIMAL,
  dialed_number: TOKEN,
  calling_from: TOKEN,
  datetime: DATETIME,
  unix_timestamp: SIGNED,
  rfc_1036: RFC_1036,
  iso_8601: ISO_8601,
  iso_8601_combined: ISO_8601,
  call_type: TOKEN,
  rate: DECIMAL,
  rate_name: 'text',
  bridge_id: TOKEN,
  recording_url: TOKEN,
  media_recordings: 'text',
  media_server: TOKEN,
  call_priority: TOKEN,
  interaction_id: TOKEN,
  reseller_cost: DECIMAL,
  reseller_call_type: TOKEN,
};

/** Most unquoted commas inside values that one row may have (each free-text cell may hold several). */
const MAX_EXTRA_COMMAS = 64;

/** Fields of one row after the extra commas were placed, with whether each came quoted. */
export interface AlignedRow {
  fields: string[];
  quoted: boolean[];
}

/**
 * Places the fields of a row that has more of them than `columns` (normalised header names). The
 * answer is the row read the only way every column's format allows, or the reason it cannot be.
 */
export function alignRow(columns: readonly string[], fields: readonly string[], quoted: readonly boolean[]): AlignedRow | string {
  const m = columns.length;
  const n = fields.length;
  // :TRICKY: the search is quadratic in the extra commas; a real row has a handful (a name, the
  // date), a hostile one may have a million. Past the bound the row is refused unread.
  if (n - m > MAX_EXTRA_COMMAS) return `expected ${m} fields as in the header, found ${n}`;
  const formats = columns.map((c) => FORMATS[c] ?? NO_COMMA);
  // ways[c * (n + 1) + t]: in how many ways columns c… can take fields t… (capped at 2), -1 = not yet known.
  const ways = new Int8Array((m + 1) * (n + 1)).fill(-1);
  const fits = (c: number, t: number, k: number): boolean => {
    const f = formats[c];
    if (f === 'text') return true;
    if (k > 1 && f !== RFC_1036) return false;
    return f.test(k === 1 ? fields[t] : fields.slice(t, t + k).join(','));
  };
  const count = (c: number, t: number): number => {
    if (c === m) return t === n ? 1 : 0;
    const at = c * (n + 1) + t;
    if (ways[at] !== -1) return ways[at];
    let total = 0;
    // Each later column needs at least one field.
    const most = n - t - (m - c - 1);
    for (let k = 1; k <= most && total < 2; k++) if (fits(c, t, k)) total += count(c + 1, t + k);
    ways[at] = Math.min(total, 2);
    return ways[at];
  };
  const total = count(0, 0);
  if (total === 0) return `expected ${m} fields as in the header, found ${n}`;
  if (total > 1) {
    return `expected ${m} fields as in the header, found ${n}: the ${n - m} extra unquoted comma(s) fit more than one way between the columns`;
  }
  const out: AlignedRow = { fields: [], quoted: [] };
  let t = 0;
  for (let c = 0; c < m; c++) {
    const most = n - t - (m - c - 1);
    let k = 1;
    while (k <= most && !(fits(c, t, k) && count(c + 1, t + k) === 1)) k++;
    out.fields.push(k === 1 ? fields[t] : fields.slice(t, t + k).join(','));
    out.quoted.push(quoted[t] === true);
    t += k;
  }
  return out;
}

/**
 * Whether a row's `timestamp` is the call start (true) or the hangup (false), from the release
 * that wrote it. :TRICKY: up to 4.1 cb_cdrs wrote the CDR's own `timestamp` (the hangup) and
 * quoted `rfc_1036`; from 4.2 it writes `timestamp - duration_seconds` (the start) and no longer
 * quotes. 4.1 and 4.2 have the same header, so the header cannot tell (the `media_server` column
 * exists since 4.1): the quoting of the row's own `rfc_1036` cell can. `undefined` when the row has
 * no such cell (not written by Kazoo): the caller falls back on the header.
 */
export function startStamped(rfc1036: string | undefined, quoted: boolean): boolean | undefined {
  if (rfc1036 === undefined || rfc1036 === '') return undefined;
  return !quoted;
}
