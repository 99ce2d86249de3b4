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

interface Entry {
  readonly answer: CachedAnswer;
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
    return entry.answer;
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
    const bytes = ENTRY_OVERHEAD + 2 * (key.length + answer.data.length + answer.revision.length);
    if (bytes > this.maxBytes) return;
    this.remove(key, false);
    this.entries.set(key, { answer, scope, bytes });
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
