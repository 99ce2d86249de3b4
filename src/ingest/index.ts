/** The ingest module: Kazoo CDRs in any supported shape → stored calls. */
export { cdrToCall, MAX_CALL_ID, type CdrContext, type CdrResult } from './cdr-to-call.js';
export { MAX_CALL_TIME, MAX_ID_BYTES, MAX_SECONDS, MAX_TEXT_BYTES, MIN_CALL_TIME } from './coerce.js';
export { notCdrs, readRecords, readRecordBatches, type ReadOptions } from './read-records.js';
export { ingestRecords, DEFAULT_BATCH_SIZE, DEFAULT_MAX_REJECTED_LISTED, type IngestOptions } from './ingest-records.js';
export { notACdr, pushDocument } from './documents.js';
export { parseWebhookBody, type WebhookBodyResult } from './webhook.js';
export type { ByteSource, InputFormat, IngestProgress, IngestResult, RawRecord, RejectedRecord } from './types.js';
