import type { Answer, Vocabulary } from './types.js';

const KEY = 'callstats.key';

/** The key lives in sessionStorage: gone when the browser session ends. */
export const session = {
  get: (): string => sessionStorage.getItem(KEY) ?? '',
  set: (key: string): void => sessionStorage.setItem(KEY, key),
  clear: (): void => sessionStorage.removeItem(KEY),
};

/** An error answer of the API: its envelope's message and the `data` naming what was wrong. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly data: unknown,
  ) {
    super(message);
  }

  /** `path: reason` lines from the envelope's data, e.g. `q.filters[0].name: unknown field`. */
  details(): string[] {
    const out: string[] = [];
    const walk = (v: unknown, path: string) => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
      } else out.push(`${path}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    };
    walk(this.data, '');
    return out;
  }
}

async function call(path: string, key: string, signal?: AbortSignal): Promise<Response> {
  const res = await fetch(path, { headers: key ? { 'X-Auth-Token': key } : {}, signal });
  if (res.ok) return res;
  let body: { message?: string; data?: unknown } = {};
  try {
    body = await res.json();
  } catch {
    // not an envelope (a proxy's page): the status says enough
  }
  throw new ApiError(res.status, body.message ?? `HTTP ${res.status}`, body.data ?? {});
}

async function data<T>(path: string, key: string, signal?: AbortSignal): Promise<T> {
  const body = (await (await call(path, key, signal)).json()) as { data: T };
  return body.data;
}

export const api = {
  accounts: (key: string) => data<{ id: string }[]>('/v2/accounts', key),
  vocabulary: () => data<Vocabulary>('/v2/fields', ''),
  countries: (key: string, account: string) =>
    data<{ countries: string[] }>(`/v2/accounts/${encodeURIComponent(account)}/call_statistics/countries`, key),
  regions: (key: string, account: string, countries: string[]) =>
    data<{ countries: Record<string, Record<string, number[]>> }>(
      `/v2/accounts/${encodeURIComponent(account)}/call_statistics/countries/${countries.map((c) => encodeURIComponent(encodeURIComponent(c))).join('&')}`,
      key,
    ),
  statistics: (key: string, path: string, signal?: AbortSignal) => data<Answer>(path, key, signal),
  csv: async (key: string, path: string) => (await call(path, key)).blob(),
};
