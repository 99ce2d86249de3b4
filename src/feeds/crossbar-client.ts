import { CallstatsError } from '../core/errors.js';

/** One page of a crossbar v2 listing: `{data: [...], next_start_key?, page_size, status: "success"}`. */
export interface CrossbarPage {
  data: unknown[];
  nextStartKey: string | undefined;
}

export interface CrossbarClientOptions {
  /** e.g. `http://kazoo.example.net:8000` (with or without `/v2`). */
  baseUrl: string;
  token: string;
  /** Attempts per request for network errors, 429 and 5xx (default 5), with doubling waits from `retryMs` (default 500). */
  attempts?: number;
  retryMs?: number;
  /** Per request (default 60 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** A client for the few crossbar listings `pull` reads. Errors that retrying cannot fix (401, 403, 404, 400) throw at once. */
export class CrossbarClient {
  private readonly base: string;

  constructor(private readonly opts: CrossbarClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '').replace(/\/v2$/, '');
  }

  /** GET `/v2/accounts/{account}/{path}` with the query; one page. */
  async page(account: string, path: string, query: Record<string, string | number | undefined>): Promise<CrossbarPage> {
    const url = new URL(`${this.base}/v2/accounts/${encodeURIComponent(account)}/${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const attempts = this.opts.attempts ?? 5;
    let wait = this.opts.retryMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let reason: string;
      try {
        const res = await fetch(url, {
          headers: { 'X-Auth-Token': this.opts.token, Accept: 'application/json' },
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
        });
        status = res.status;
        const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
        if (res.ok && body && Array.isArray(body.data)) {
          const next = body.next_start_key;
          return { data: body.data, nextStartKey: typeof next === 'string' && next !== '' ? next : undefined };
        }
        reason = `HTTP ${status}${body && typeof body.message === 'string' ? `: ${body.message}` : ''}`;
        if (res.ok) reason = 'answer is not a crossbar listing (no data array)';
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      }
      const retryable = status === 0 || status === 429 || status >= 500;
      if (!retryable || attempt >= attempts) {
        throw new CallstatsError('ERR_CROSSBAR', `crossbar ${path} of account ${account}: ${reason}`, {
          kazoo: { url: url.pathname, status, reason },
        });
      }
      this.opts.log?.(`pull: ${url.pathname}: ${reason}; retrying in ${wait} ms`);
      await new Promise((r) => setTimeout(r, wait));
      wait *= 2;
    }
  }
}
