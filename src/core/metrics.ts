import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where ingested records came from (the `source` label of `callstats_ingest_records_total`). */
export type IngestSource = 'http' | 'webhook' | 'import' | 'amqp' | 'pull';

const INGEST_SOURCES: readonly IngestSource[] = ['http', 'webhook', 'import', 'amqp', 'pull'];
const OUTCOMES = ['accepted', 'duplicate', 'rejected', 'skipped'] as const;

/** An ingest summary as routes and feeds get it back; `skipped` is counted when present. */
export interface IngestCounts {
  accepted?: number;
  duplicates?: number;
  rejected?: number;
  skipped?: number;
}

/** The AMQP feed's own numbers, read at each scrape (docs/operations.md, "Monitoring"). */
export interface FeedGauges {
  connected: boolean;
  reconnects: number;
  batches: number;
  queueDepth: number | null;
  lagSeconds: number | null;
}

// Seconds; from a cached look-up to a whole-store question or a big ingest.
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const STORE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const COMPACTION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800];

/**
 * Every metric callstats exports, in one registry per server (tests build many apps in one
 * process, so nothing is registered globally). All names start with `callstats_`, except the
 * process defaults of prom-client (`process_*`, `nodejs_*`), kept under the names dashboards know.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'callstats_http_requests_total',
    help: 'HTTP requests answered, by route pattern (never the raw URL), method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'callstats_http_request_duration_seconds',
    help: 'Time from the request to its answer, by route pattern',
    labelNames: ['route'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  readonly ingestRecords = new Counter({
    name: 'callstats_ingest_records_total',
    help: 'Ingested records by outcome (accepted, duplicate, rejected, skipped) and source',
    labelNames: ['outcome', 'source'] as const,
    registers: [this.registry],
  });
  readonly storeDuration = new Histogram({
    name: 'callstats_store_query_duration_seconds',
    help: 'Time of each store call, by Store method and outcome (ok or error)',
    labelNames: ['operation', 'outcome'] as const,
    buckets: STORE_BUCKETS,
    registers: [this.registry],
  });
  readonly compactionRuns = new Counter({
    name: 'callstats_compaction_runs_total',
    help: 'Background compactions of the embedded store, by outcome (ok or failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly compactionDuration = new Histogram({
    name: 'callstats_compaction_duration_seconds',
    help: 'Time of each background compaction that committed',
    buckets: COMPACTION_BUCKETS,
    registers: [this.registry],
  });
  readonly compactionLastSuccess = new Gauge({
    name: 'callstats_compaction_last_success_timestamp_seconds',
    help: 'Unix time of the last compaction that committed (0: none since start)',
    registers: [this.registry],
  });

  constructor(opts: { defaults?: boolean } = {}) {
    if (opts.defaults ?? true) collectDefaultMetrics({ register: this.registry });
    this.compactionLastSuccess.set(0);
    for (const outcome of ['ok', 'failed']) this.compactionRuns.inc({ outcome }, 0);
    // Every series from the start, so `increase(...) == 0` alerts also fire before the first call arrives.
    for (const source of INGEST_SOURCES) for (const outcome of OUTCOMES) this.ingestRecords.inc({ outcome, source }, 0);
  }

  /** The observer of `timedStore`: one store call's duration. */
  readonly observeStore = (operation: string, seconds: number, ok: boolean): void => {
    this.storeDuration.observe({ operation, outcome: ok ? 'ok' : 'error' }, seconds);
  };

  /** Counts one ingest summary (`skipped` is 0 when the summary has none). */
  ingested(source: IngestSource, counts: IngestCounts): void {
    const add = (outcome: string, n: number | undefined) => {
      if (typeof n === 'number' && n > 0) this.ingestRecords.inc({ outcome, source }, n);
    };
    add('accepted', counts.accepted);
    add('duplicate', counts.duplicates);
    add('rejected', counts.rejected);
    add('skipped', counts.skipped);
  }

  /** One compaction: `seconds` when it committed, undefined when it failed. */
  compacted(seconds: number | undefined): void {
    if (seconds === undefined) {
      this.compactionRuns.inc({ outcome: 'failed' });
      return;
    }
    this.compactionRuns.inc({ outcome: 'ok' });
    this.compactionDuration.observe(seconds);
    this.compactionLastSuccess.set(Math.floor(Date.now() / 1000));
  }

  /** The AMQP feed inside `serve`: its gauges and counters are read from `stats` at each scrape. */
  watchFeed(stats: () => FeedGauges): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: (f: FeedGauges) => number | null) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const v = read(stats());
          if (v === null) this.reset();
          else this.set(v);
        },
      });
    // :TRICKY: the feed keeps its own running totals; a counter that is re-set from them at each
    // scrape still only grows, which is all Prometheus' rate() needs.
    const counter = (name: string, help: string, read: (f: FeedGauges) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read(stats()));
        },
      });
    gauge('callstats_amqp_connected', 'AMQP feed: 1 while consuming, 0 while reconnecting', (f) => (f.connected ? 1 : 0));
    gauge('callstats_amqp_queue_depth', "AMQP feed: messages waiting in callstats' queue (checked every 10 s)", (f) => f.queueDepth);
    gauge('callstats_amqp_lag_seconds', 'AMQP feed: now minus the hangup of the newest stored call', (f) => f.lagSeconds);
    counter('callstats_amqp_reconnects_total', 'AMQP feed: reconnections since start', (f) => f.reconnects);
    counter('callstats_amqp_batches_total', 'AMQP feed: batches committed and acked since start', (f) => f.batches);
  }

  /** The answer cache of `serve` (report/answer-cache.ts): read from `stats` at each scrape. */
  watchAnswerCache(stats: () => { hits: number; misses: number; evictions: number; bytes: number; entries: number }): void {
    const registers = [this.registry];
    const counter = (name: string, help: string, read: (s: ReturnType<typeof stats>) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read(stats()));
        },
      });
    const gauge = (name: string, help: string, read: (s: ReturnType<typeof stats>) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(stats()));
        },
      });
    counter('callstats_answer_cache_hits_total', 'Statistics answers served from the answer cache', (s) => s.hits);
    counter('callstats_answer_cache_misses_total', 'Statistics answers looked up and not found (computed and stored)', (s) => s.misses);
    counter('callstats_answer_cache_evictions_total', 'Answers dropped to stay within CALLSTATS_ANSWER_CACHE_MB', (s) => s.evictions);
    gauge('callstats_answer_cache_bytes', 'Bytes the answer cache holds (its own estimate)', (s) => s.bytes);
    gauge('callstats_answer_cache_entries', 'Answers the answer cache holds', (s) => s.entries);
  }

  /** The text exposition format (`GET /metrics`). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
