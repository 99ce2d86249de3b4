import { createReadStream } from 'node:fs';
import { ingestRecords, readRecordBatches, type IngestProgress, type IngestResult, type RawRecord } from '../ingest/index.js';
import { ndjsonChunksParallel, readNdjsonParallel } from '../ingest/parallel-ndjson.js';
import { ingestStaged, type StagingStore } from '../ingest/bulk-ingest.js';
import type { InputFormat } from '../ingest/index.js';
import { ZoneService } from '../zones/zone-service.js';
import type { Store } from '../store/store.js';
import { linkingUnder } from '../accounts/parents.js';
import { accountIdProblem } from '../accounts/account-id.js';
import { badRequest } from '../core/errors.js';
import { makeOutput, n } from './output.js';

export interface ImportOptions {
  store: Store;
  files: string[];
  account?: string;
  /** `--parent R`: R becomes the parent of every account imported (docs/accounts.md, "Linking accounts"). */
  parent?: string;
  format?: InputFormat;
  defaultCountry?: string;
  json: boolean;
  batchSize?: number;
  /** NDJSON parsing threads (`config.importWorkers`, CALLSTATS_IMPORT_WORKERS); `0` parses on the main thread. */
  workers: number;
}

/**
 * `callstats import`: streams each file (or stdin for `-`) through the real ingest path. Documents
 * that are not CDRs are counted as skipped; the exit code is 1 only when a record was rejected.
 */
export async function runImport(opts: ImportOptions): Promise<number> {
  const out = makeOutput(opts.json);
  const parentProblem = opts.parent === undefined ? undefined : accountIdProblem(opts.parent);
  if (parentProblem !== undefined) throw badRequest('ERR_ACCOUNT_ID', `--parent: ${parentProblem}`, { parent: parentProblem });
  const target = opts.parent === undefined ? opts.store : linkingUnder(opts.store, opts.parent);
  const zones = await ZoneService.open(opts.store, opts.defaultCountry);
  const files = opts.files.length ? opts.files : ['-'];
  const reports: (IngestResult & { file: string })[] = [];
  const started = Date.now();
  for (const file of files) {
    const input = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
    const batchSize = opts.batchSize ?? opts.store.importBatchSize;
    const onProgress = (p: IngestProgress) => {
      const rate = Math.round(p.records / Math.max(0.001, (Date.now() - started) / 1000));
      out.progress(
        `${file}: ${n(p.records)} records, ${n(p.accepted)} accepted, ${n(p.duplicates)} duplicate, ${n(p.rejected)} rejected, ${n(p.skipped)} skipped (${n(rate)}/s)`,
      );
    };
    const staging = opts.parent === undefined ? stagingStore(opts.store) : undefined;
    // NDJSON into a store that takes staged batches: the workers zone and encode the calls too (bulk-ingest.ts).
    const result =
      staging !== undefined && isNdjson(file, opts) && opts.workers > 0
        ? await ingestStaged(
            ndjsonChunksParallel(input, opts.workers, {
              accountId: opts.account,
              encode: { shared: zones.sharedMatch(), defaultCountry: opts.defaultCountry },
            }),
            { store: staging, batchSize: batchSize ?? 100_000, onProgress },
          )
        : await ingestRecords(readerFor(file, input, opts), {
            store: target,
            accountId: opts.account,
            zoneOf: zones.zoneOf,
            batchSize,
            onProgress,
          });
    out.done();
    reports.push({ file, ...result });
  }
  const total = {
    accepted: sum(reports, 'accepted'),
    duplicates: sum(reports, 'duplicates'),
    rejected: sum(reports, 'rejectedCount'),
    skipped: sum(reports, 'skipped'),
    seconds: (Date.now() - started) / 1000,
  };
  const lines = reports.flatMap((r) => [
    `${r.file}: ${n(r.accepted)} accepted, ${n(r.duplicates)} duplicate, ${n(r.rejectedCount)} rejected, ${n(r.skipped)} skipped (not CDRs)`,
    ...r.rejected.slice(0, 20).map((x) => `  ${x.line !== undefined ? `line ${x.line}` : `record ${x.index}`}: ${x.reason}`),
    ...(r.rejectedCount > 20 ? [`  ... and ${n(r.rejectedCount - 20)} more (use --json for all listed)`] : []),
  ]);
  out.result({ ...total, files: reports }, lines.join('\n'));
  return total.rejected > 0 ? 1 : 0;
}

/**
 * NDJSON (by --format or a .ndjson/.jsonl name) is parsed on worker threads: JSON parsing is most
 * of an import's CPU. Other formats stream through the single-threaded readers.
 */
function readerFor(file: string, input: NodeJS.ReadableStream, opts: ImportOptions): AsyncIterable<RawRecord[]> {
  const { workers } = opts;
  if (isNdjson(file, opts) && workers > 0) return readNdjsonParallel(input, { workers, accountId: opts.account });
  return readRecordBatches(input, opts.format ?? 'auto');
}

function isNdjson(file: string, opts: ImportOptions): boolean {
  return opts.format === 'ndjson' || (opts.format === undefined && /\.(nd)?jsonl?$/i.test(file) && !/\.json$/i.test(file));
}

/** The store's staged-batch methods, when it has them (DuckDB). */
function stagingStore(store: Store): StagingStore | undefined {
  const { stagingDir, insertStaged } = store;
  if (stagingDir === undefined || insertStaged === undefined) return undefined;
  return { stagingDir: () => stagingDir.call(store), insertStaged: (b) => insertStaged.call(store, b) };
}

function sum(rs: IngestResult[], k: 'accepted' | 'duplicates' | 'rejectedCount' | 'skipped'): number {
  return rs.reduce((a, r) => a + r[k], 0);
}
