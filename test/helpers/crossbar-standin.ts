/**
 * A small stand-in for Kazoo's crossbar, enough for `pull`: there is no Kazoo to install here, so the
 * tests start this instead. It follows applications/crossbar/doc/cdrs.md and basics.md (branch 4.3 of
 * 2600hz/kazoo): `GET /v2/accounts/{ID}/cdrs` with `created_from`/`created_to` (gregorian seconds,
 * inclusive; a range over `maximum_range`, 31 days + 1 h, is a 400), `page_size`, `start_key`, answering
 * the v2 envelope `{auth_token, data, next_start_key?, page_size, request_id, revision, start_key,
 * status}` with listing rows shaped like cb_cdrs' ?COLUMNS (`direction`, `timestamp` already the call
 * start, no account id); `GET /v2/accounts/{ID}/descendants`; `X-Auth-Token` or a 401.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GREGORIAN = 62_167_219_200;
const MAX_RANGE = 31 * 86_400 + 3_600;

/** A CDR as Kazoo stores it (the fields the listing rows are built from). */
export interface StandinCdr {
  id: string;
  call_id: string;
  /** Hangup, gregorian seconds (the CDR's `timestamp`; `created_from`/`created_to` filter on it). */
  timestamp: number;
  duration_seconds: number;
  billing_seconds: number;
  call_direction: 'inbound' | 'outbound';
  caller_id_number: string;
  callee_id_number: string;
}

export interface CrossbarStandin {
  url: string;
  /** Requests answered, by path kind. */
  requests: { cdrs: number; descendants: number };
  /** Milliseconds each `/cdrs` answer waits (to kill a pull mid-way). */
  delayMs: number;
  /** The next `n` requests answer 503 (to exercise retries). */
  failNext: number;
  stop(): Promise<void>;
}

export async function startCrossbarStandin(opts: {
  token: string;
  cdrs: Record<string, StandinCdr[]>;
  descendants?: Record<string, string[]>;
  /** A descendant's `tree` (its ancestors, top down, the parent last); default `[queried account]`. */
  trees?: Record<string, string[]>;
}): Promise<CrossbarStandin> {
  const sorted = Object.fromEntries(
    Object.entries(opts.cdrs).map(([k, v]) => [k, [...v].sort((a, b) => b.timestamp - a.timestamp || (a.id < b.id ? -1 : 1))]),
  );
  const state: CrossbarStandin = { url: '', requests: { cdrs: 0, descendants: 0 }, delayMs: 0, failNext: 0, stop: async () => undefined };
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: Record<string, unknown>): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ request_id: 'standin', revision: 'undefined', auth_token: String(req.headers['x-auth-token'] ?? ''), ...body }),
      );
    };
    const error = (status: number, message: string, data: Record<string, unknown> = {}): void =>
      send(status, { data, error: String(status), message, status: 'error' });
    const url = new URL(req.url ?? '/', 'http://standin');
    const m = /^\/v2\/accounts\/([0-9a-f]{32})\/(cdrs|descendants)$/.exec(url.pathname);
    if (!m) return error(404, 'bad identifier');
    if (req.headers['x-auth-token'] !== opts.token) return error(401, 'invalid credentials');
    if (state.failNext > 0) {
      state.failNext--;
      return error(503, 'datastore fault');
    }
    const [, account, kind] = m;
    const pageSize = Number(url.searchParams.get('page_size') ?? 50);
    const startKey = url.searchParams.get('start_key');
    const offset = startKey === null ? 0 : Number(JSON.parse(Buffer.from(startKey, 'base64url').toString('utf8')));
    const page = <T>(rows: T[]): Record<string, unknown> => {
      const data = rows.slice(offset, offset + pageSize);
      const next = offset + pageSize < rows.length ? Buffer.from(JSON.stringify(offset + pageSize)).toString('base64url') : undefined;
      return {
        data,
        page_size: data.length,
        start_key: startKey ?? undefined,
        ...(next ? { next_start_key: next } : {}),
        status: 'success',
      };
    };
    if (kind === 'descendants') {
      state.requests.descendants++;
      return send(
        200,
        page(
          (opts.descendants?.[account] ?? []).map((id) => ({ id, name: `account ${id.slice(0, 6)}`, tree: opts.trees?.[id] ?? [account] })),
        ),
      );
    }
    state.requests.cdrs++;
    const now = Math.floor(Date.now() / 1000) + GREGORIAN;
    const to = Number(url.searchParams.get('created_to') ?? now);
    const from = Number(url.searchParams.get('created_from') ?? to - MAX_RANGE);
    if (!(to - from <= MAX_RANGE) || from > to) {
      return error(400, 'validation error', {
        created_from: { date_range: { message: `created_to is more than ${MAX_RANGE} seconds from created_from` } },
      });
    }
    const rows = (sorted[account] ?? []).filter((c) => c.timestamp >= from && c.timestamp <= to).map(listingRow);
    setTimeout(() => send(200, page(rows)), state.delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = () => new Promise((r) => server.close(() => r()));
  return state;
}

/** A row as crossbar's v2 `/cdrs` listing shows it: `timestamp` is the call start, `direction` renamed. */
function listingRow(c: StandinCdr): Record<string, unknown> {
  const start = c.timestamp - c.duration_seconds;
  return {
    id: c.id,
    call_id: c.call_id,
    caller_id_number: c.caller_id_number,
    caller_id_name: 'Standin Caller',
    callee_id_number: c.callee_id_number,
    callee_id_name: '',
    duration_seconds: c.duration_seconds,
    billing_seconds: c.billing_seconds,
    timestamp: start,
    hangup_cause: c.billing_seconds > 0 ? 'NORMAL_CLEARING' : 'NO_ANSWER',
    disposition: 'SEND_BYE',
    other_leg_call_id: '',
    owner_id: '',
    to: `${c.callee_id_number}@standin.sip`,
    from: `${c.caller_id_number}@standin.sip`,
    direction: c.call_direction,
    request: `${c.callee_id_number}@standin.sip`,
    authorizing_id: '',
    cost: '0',
    dialed_number: c.callee_id_number,
    calling_from: c.caller_id_number,
    datetime: new Date((start - GREGORIAN) * 1000).toISOString().replace('T', ' ').slice(0, 19),
    unix_timestamp: start - GREGORIAN,
    iso_8601: new Date((start - GREGORIAN) * 1000).toISOString().slice(0, 10),
    call_type: '',
    rate: '0.0',
    rate_name: '',
  };
}
