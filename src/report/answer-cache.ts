import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { WriteScope } from '../store/write-scope-store.js';

/** One cached answer: its bytes and what it read (one account's calls within a call_time range). */
export interface CachedAnswer {
  /** The serialised `data` of the envelope, exactly as a fresh answer writes it. */
  readonly data: string;
  readonly revision: string;
  readonly accountEmpty: boolean;
}

/** What an answer read: the calls of `account` with call_time in `[from, to]` (inclusive; ±Infinity when open). */
export interface AnswerScope {
  readonly account: string | undefined;
  readonly from: number;
  readonly to: number;
}

/**
 * A stored answer: its `data` as UTF-8 bytes, deflated when it is large enough to gain (what it
 * really occupies is what is counted; a JS string of it may take two bytes per character).
 */
interface Entry {
  readonly body: Buffer;
  readonly deflated: boolean;
  readonly revision: string;
  readonly accountEmpty: boolean;
  readonly scope: AnswerScope;
  readonly bytes: number;
}

/** The counters `GET /metrics` shows (`callstats_answer_cache_*`). */
export interface AnswerCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  bytes: number;
  entries: number;
}

/**
 * Answers from this many UTF-8 bytes up are kept deflated (raw deflate, level 1): JSON answers
 * shrink ~6× (the 1M bench's 800 dashboard answers: 34.9 MiB of text, 5.7 MiB deflated), so the
 * default size holds a 50-account dashboard at every bench size; inflating on a hit costs well
 * under a millisecond for the largest answers (docs/performance.md, "The answer cache, third round").
 */
const DEFLATE_FROM = 2048;

/** Writes remembered for answers being computed; an answer begun before the oldest is not stored. */
const WRITE_LOG = 1024;
/** Bookkeeping per entry on top of its bytes (key, scope, map slots), so tiny answers still count. */
const ENTRY_OVERHEAD = 256;

function touches(write: WriteScope, scope: AnswerScope): boolean {
  if (write === 'all') return true;
  if (write.to < scope.from || write.from > scope.to) return false;
  // An answer over every account (no account in its key) reads every write.
  return write.accounts === '*' || scope.account === undefined || write.accounts.includes(scope.account);
}

/**
 * An exact answer cache (docs/api.md, "Answer cache"): statistics answers by everything that
 * determines them, bounded by bytes (least recently used out). Every committed write drops the
 * entries it could have changed, and an answer whose computation overlapped such a write is not
 * stored, so a stale answer is impossible as long as every write is reported (store/write-scope-store.ts).
 */
export class AnswerCache {
  private readonly entries = new Map<string, Entry>();
  private readonly writes: { epoch: number; scope: WriteScope }[] = [];
  private epoch = 0;
  readonly stats: AnswerCacheStats = { hits: 0, misses: 0, evictions: 0, bytes: 0, entries: 0 };

  constructor(readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** The cached answer, counted as a hit or a miss. */
  get(key: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.stats.misses++;
      return undefined;
    }
    // Map order is insertion order: re-inserting makes it the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.stats.hits++;
    const data = (entry.deflated ? inflateRawSync(entry.body) : entry.body).toString('utf8');
    return { data, revision: entry.revision, accountEmpty: entry.accountEmpty };
  }

  /** A ticket taken before the answer's store reads begin; `put` needs it. */
  begin(): number {
    return this.epoch;
  }

  /** Stores an answer computed since `ticket`, unless a write since then could have changed it. */
  put(key: string, scope: AnswerScope, answer: CachedAnswer, ticket: number): void {
    if (!this.enabled) return;
    // :TRICKY: the answer may have been read before a write that committed while it was computed;
    // its invalidation already ran, so the answer itself must be refused.
    const oldest = this.writes.length > 0 ? this.writes[0].epoch : this.epoch + 1;
    if (ticket < this.epoch && ticket + 1 < oldest) return;
    for (let i = this.writes.length - 1; i >= 0 && this.writes[i].epoch > ticket; i--) {
      if (touches(this.writes[i].scope, scope)) return;
    }
    const { body, deflated } = encode(answer.data);
    // Counted as held: the body's real bytes, the key as V8 may store it (two bytes a character
    // at most; a few hundred characters) and the bookkeeping.
    const bytes = ENTRY_OVERHEAD + 2 * key.length + answer.revision.length + body.length;
    if (bytes > this.maxBytes) return;
    this.remove(key, false);
    this.entries.set(key, { body, deflated, revision: answer.revision, accountEmpty: answer.accountEmpty, scope, bytes });
    this.stats.bytes += bytes;
    for (const [oldKey] of this.entries) {
      if (this.stats.bytes <= this.maxBytes) break;
      this.remove(oldKey, true);
    }
    this.stats.entries = this.entries.size;
  }

  /** A committed write: drops every entry it could have changed (the store decorator's listener). */
  readonly invalidate = (scope: WriteScope): void => {
    this.epoch++;
    this.writes.push({ epoch: this.epoch, scope });
    if (this.writes.length > WRITE_LOG) this.writes.shift();
    if (scope === 'all') {
      this.stats.bytes = 0;
      this.entries.clear();
    } else {
      for (const [key, entry] of this.entries) if (touches(scope, entry.scope)) this.remove(key, false);
    }
    this.stats.entries = this.entries.size;
  };

  private remove(key: string, evicted: boolean): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.stats.bytes -= entry.bytes;
    if (evicted) this.stats.evictions++;
  }
}

function encode(data: string): { body: Buffer; deflated: boolean } {
  const size = Buffer.byteLength(data, 'utf8');
  // :TRICKY: not Buffer.from: a short string lands in a slice of Node's shared 8 KiB pool, and
  // keeping the slice would keep the whole pool alive, far more than the bytes counted.
  const text = Buffer.allocUnsafeSlow(size);
  text.write(data, 'utf8');
  if (size < DEFLATE_FROM) return { body: text, deflated: false };
  const packed = deflateRawSync(text, { level: 1 });
  if (packed.length >= size) return { body: text, deflated: false };
  // zlib's output may be a view of a larger chunk buffer: keep a copy of exactly its bytes.
  if (packed.buffer.byteLength === packed.length) return { body: packed, deflated: true };
  const body = Buffer.allocUnsafeSlow(packed.length);
  packed.copy(body);
  return { body, deflated: true };
}

/**
 * The cache's size in bytes from `CALLSTATS_ANSWER_CACHE_MB`: unset, 64 MB where this process is
 * the store's only writer (DuckDB, chdb) and off on a ClickHouse server, which other processes
 * may write without telling this one (docs/operations.md).
 */
export function answerCacheBytes(settingMb: number | undefined, singleWriter: boolean): number {
  const mb = settingMb ?? (singleWriter ? DEFAULT_ANSWER_CACHE_MB : 0);
  return Math.floor(mb * 1024 * 1024);
}

export const DEFAULT_ANSWER_CACHE_MB = 64;
