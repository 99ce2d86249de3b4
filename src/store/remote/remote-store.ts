import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { CallstatsError } from '../../core/errors.js';
import { ERROR_CODE_HEADER, ERROR_STATUS, type ErrorCode } from '../../core/error-codes.js';
import type { Call } from '../../core/call.js';
import type { Zone } from '../../core/zone.js';
import { duckdbAccountCounts, duckdbExportCalls } from '../duckdb/export-calls.js';
import { controlHeaders, type RpcMethod } from './control-channel.js';
import type {
  AccountCount,
  AccountParent,
  ApiKeyRecord,
  BackupResult,
  CompiledSql,
  InsertResult,
  NumberZone,
  PruneResult,
  Store,
  WebhookTokenRecord,
} from '../store.js';

/** Where a running server can be reached, as written beside the store file by `serve`. */
export interface ServerHandle {
  url: string;
  controlToken: string;
  pid: number;
  dialect: Store['dialect'];
}

/** A Store that forwards every call to a running `callstats serve` (docs/architecture.md). */
export class RemoteStore implements Store {
  readonly dialect: Store['dialect'];

  constructor(private readonly handle: ServerHandle) {
    this.dialect = handle.dialect;
  }

  async init(): Promise<void> {}
  async close(): Promise<void> {}

  private async call<T>(method: RpcMethod, ...args: unknown[]): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.handle.url}/_local/rpc`, {
        method: 'POST',
        headers: controlHeaders(this.handle.controlToken),
        body: JSON.stringify({ method, args }),
      });
    } catch (err) {
      throw new CallstatsError('ERR_STORE_UNAVAILABLE', `the running server at ${this.handle.url} did not answer`, {
        store: (err as Error).message,
      });
    }
    const body = (await res.json()) as { result?: T; message?: string; data?: Record<string, unknown> };
    if (!res.ok) throw new CallstatsError(remoteCode(res), body.message ?? `server answered ${res.status}`, body.data ?? {}, res.status);
    return body.result as T;
  }

  /**
   * The running server's embedded store checks duplicates once per batch (a scan), so imports
   * through it send big batches too; 50,000 calls are ~20 MB of JSON per request.
   */
  readonly importBatchSize = 50_000;

  insertCalls(calls: readonly Call[]): Promise<InsertResult> {
    return this.call('insertCalls', calls);
  }
  countCalls(accountId?: string): Promise<number> {
    return this.call('countCalls', ...(accountId === undefined ? [] : [accountId]));
  }
  /** The running server holds a DuckDB file (serve writes no handle for ClickHouse): DuckDB's SQL. */
  accountCounts(): Promise<AccountCount[]> {
    return duckdbAccountCounts(this);
  }
  exportCalls(accountId: string, signal?: AbortSignal): AsyncIterable<Call> {
    return duckdbExportCalls(this, accountId, signal);
  }
  listZones(): Promise<Zone[]> {
    return this.call('listZones');
  }
  saveZones(zones: readonly Zone[]): Promise<void> {
    return this.call('saveZones', zones);
  }
  distinctNumbers(column: 'caller_id_number' | 'callee_id_number'): Promise<string[]> {
    return this.call('distinctNumbers', column);
  }
  applyZones(column: 'caller_id_number' | 'callee_id_number', map: readonly NumberZone[]): Promise<number> {
    return this.call('applyZones', column, map);
  }
  insertKey(key: ApiKeyRecord): Promise<void> {
    return this.call('insertKey', key);
  }
  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    return (await this.call<ApiKeyRecord | null>('getKey', id)) ?? undefined;
  }
  listKeys(): Promise<ApiKeyRecord[]> {
    return this.call('listKeys');
  }
  revokeKey(id: string): Promise<boolean> {
    return this.call('revokeKey', id);
  }
  insertWebhookToken(token: WebhookTokenRecord): Promise<void> {
    return this.call('insertWebhookToken', token);
  }
  async getWebhookToken(id: string): Promise<WebhookTokenRecord | undefined> {
    return (await this.call<WebhookTokenRecord | null>('getWebhookToken', id)) ?? undefined;
  }
  listWebhookTokens(): Promise<WebhookTokenRecord[]> {
    return this.call('listWebhookTokens');
  }
  revokeWebhookToken(id: string): Promise<boolean> {
    return this.call('revokeWebhookToken', id);
  }
  addAccountParent(link: AccountParent): Promise<void> {
    return this.call('addAccountParent', link);
  }
  listAccountParents(): Promise<AccountParent[]> {
    return this.call('listAccountParents');
  }
  compact(): Promise<{ rows: number; seconds: number }> {
    return this.call('compact');
  }
  unsortedCalls(): Promise<number> {
    return this.call('unsortedCalls');
  }
  async callTimeRange(): Promise<[number, number] | undefined> {
    return (await this.call<[number, number] | null>('callTimeRange')) ?? undefined;
  }
  prune(before: number, accountId?: string, dryRun = false): Promise<PruneResult> {
    return this.call('prune', before, accountId ?? null, dryRun);
  }
  /** `dir` is resolved by the server's process: the CLI sends it absolute. */
  backup(dir: string): Promise<BackupResult> {
    return this.call('backup', dir);
  }
  all(query: CompiledSql): Promise<Record<string, unknown>[]> {
    return this.call('all', query);
  }

  async *stream(query: CompiledSql, signal?: AbortSignal): AsyncIterable<Record<string, unknown>> {
    const res = await fetch(`${this.handle.url}/_local/stream`, {
      method: 'POST',
      headers: controlHeaders(this.handle.controlToken),
      body: JSON.stringify(query),
      signal,
    });
    if (!res.ok || !res.body) throw new CallstatsError(remoteCode(res), `server answered ${res.status}`, {}, res.status);
    const lines = createInterface({ input: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream) });
    for await (const line of lines) if (line) yield JSON.parse(line) as Record<string, unknown>;
  }
}

/**
 * The code the server's error answer names (its `x-callstats-error` header, api/envelope.ts), so the
 * CLI reports `ERR_STORE_LOCKED` or `ERR_ACCOUNT_PARENT` as if it had met it itself; `ERR_REMOTE`
 * (the server's status kept) when the answer names none this release knows.
 */
function remoteCode(res: Response): ErrorCode {
  const code = res.headers.get(ERROR_CODE_HEADER);
  return code !== null && code in ERROR_STATUS ? (code as ErrorCode) : 'ERR_REMOTE';
}
