/**
 * Idempotent insert of calls (docs/clickhouse.md, "Idempotency"). ClickHouse has no unique keys, so
 * the store checks which (account_id, call_id) are stored already, in `call_ids`, before writing.
 * Callers serialise this per process (Mutex in ClickHouseStore).
 */
import type { ClickHouseSettings } from '@clickhouse/client';
import { CALL_COLUMNS, type Call } from '../../core/call.js';
import type { InsertResult } from '../store.js';
import type { Connection } from './connection.js';
import { callIdsTsv, callsTsv, tsvString } from './tsv.js';

export interface InsertTarget {
  conn: Connection;
  /** Settings for inserts: insert_distributed_sync=1 in cluster mode, so "inserted" means on the shard. */
  insertSettings: ClickHouseSettings;
}

export async function insertCallsIdempotent(target: InsertTarget, calls: readonly Call[]): Promise<InsertResult> {
  // Within-batch repeats: the first occurrence wins, the others are duplicates. A set of call ids per
  // account, not one set of "account\0id" keys: building a key string per call cost more than the rest.
  const seen = new Map<string, Set<string>>();
  const batch: Call[] = [];
  let duplicates = 0;
  for (const call of calls) {
    let ids = seen.get(call.account_id);
    if (!ids) seen.set(call.account_id, (ids = new Set()));
    if (ids.has(call.call_id)) duplicates++;
    else {
      ids.add(call.call_id);
      batch.push(call);
    }
  }

  // The call_ids rows of the batch double as the external table of the existence check.
  let idsText = callIdsTsv(batch);
  const knownPending = knownIds(target.conn, idsText);
  knownPending.catch(() => undefined); // awaited below; avoids an unhandled rejection while encoding
  // Encoding is the costliest client-side step: do it while the server runs the existence check, for
  // the whole batch as one text, which is what gets sent when nothing of the batch is stored yet.
  let callsText = callsTsv(batch);
  const known = await knownPending;
  let inserted = batch.length;
  if (known.size > 0) {
    const newIds: Call[] = [];
    const newCalls: Call[] = [];
    const suspects: Call[] = [];
    for (const call of batch) {
      if (known.has(idKey(call.account_id, call.call_id))) suspects.push(call);
      else {
        newIds.push(call);
        newCalls.push(call);
      }
    }
    // :TRICKY: an id in call_ids whose row is missing from calls is the trace of a crash between the
    // two writes below; it is stored now, so re-sending a batch repairs it.
    const stored = await storedCalls(target.conn, suspects, known);
    for (const call of suspects) {
      const key = idKey(call.account_id, call.call_id);
      if (stored.has(key)) {
        duplicates++;
        continue;
      }
      if (!known.get(key)!.includes(call.call_time)) newIds.push(call);
      newCalls.push(call);
    }
    // Re-sends are the rare path: re-encoding only the new rows keeps the common path to one pass.
    callsText = callsTsv(newCalls);
    idsText = callIdsTsv(newIds);
    inserted = newCalls.length;
  }

  // Order matters: call_ids first, calls second. A crash in between leaves an id without its call,
  // which the check above detects and repairs; the reverse order could count a call twice.
  await target.conn.insertTsv('call_ids', ['account_id', 'call_id', 'call_time'], idsText, target.insertSettings);
  await target.conn.insertTsv('calls', CALL_COLUMNS, callsText, target.insertSettings);
  return { inserted, duplicates };
}

function idKey(account: string, callId: string): string {
  return `${account}\u0000${callId}`;
}

/** The ids of the batch present in call_ids, each with every call_time recorded for it. */
async function knownIds(conn: Connection, idsTsv: string): Promise<Map<string, number[]>> {
  // GLOBAL IN builds the set once on the server we talk to and ships it to every shard; on a single
  // server it is a plain IN. The account_id condition lets the primary key skip other accounts.
  const batch = { name: 'batch', structure: 'account_id String, call_id String, call_time Int64', tsv: idsTsv };
  const rows = await conn.rowsWithExternal<{ account_id: string; call_id: string; call_time: number }>(
    batch,
    (from) => `SELECT DISTINCT account_id, call_id, call_time FROM call_ids
WHERE account_id GLOBAL IN (SELECT account_id FROM ${from})
  AND (account_id, call_id) GLOBAL IN (SELECT account_id, call_id FROM ${from})`,
  );
  const known = new Map<string, number[]>();
  for (const row of rows) {
    const key = idKey(row.account_id, row.call_id);
    const times = known.get(key);
    if (times) times.push(row.call_time);
    else known.set(key, [row.call_time]);
  }
  return known;
}

/** Of the `suspects` (ids found in call_ids), those whose call really is in calls. */
async function storedCalls(conn: Connection, suspects: readonly Call[], known: ReadonlyMap<string, number[]>): Promise<Set<string>> {
  let tsv = '';
  for (const call of suspects) {
    for (const time of known.get(idKey(call.account_id, call.call_id))!) {
      tsv += `${tsvString(call.account_id)}\t${time}\t${tsvString(call.call_id)}\n`;
    }
  }
  const pairs = { name: 'pairs', structure: 'account_id String, call_time Int64, call_id String', tsv };
  const rows = await conn.rowsWithExternal<{ account_id: string; call_id: string }>(
    pairs,
    (from) => `SELECT DISTINCT account_id, call_id FROM calls
WHERE account_id GLOBAL IN (SELECT account_id FROM ${from})
  AND (account_id, call_time, call_id) GLOBAL IN (SELECT account_id, call_time, call_id FROM ${from})`,
  );
  return new Set(rows.map((r) => idKey(r.account_id, r.call_id)));
}
