/** Duration statistics of a bucket or group, exactly as the API returns them. */
export interface DurationStats {
  min: number;
  max: number;
  median: number;
  mean: number;
}

/** One bucket (or one group of a bucket) of a statistics answer (SPEC 2.4, 2.6). */
export interface Bucket {
  total: number;
  duration_seconds: DurationStats;
  answered?: number;
  calls?: number;
  asr?: number;
  acd?: number | null;
  billing_seconds?: DurationStats & { sum: number };
  percentiles?: { p90: number; p95: number; p99: number };
  groups?: Record<string, Bucket>;
}

export type Answer = Record<string, Bucket>;

/** `GET /v2/fields`: the server's field and metric registries (the page keeps no copy). */
export interface Vocabulary {
  fields: FieldInfo[];
  metrics: string[];
}

/** One field of `GET /v2/fields`. */
export interface FieldInfo {
  name: string;
  type: string;
  groupable: boolean;
  values?: string[];
}

export const PERIODS = ['hourly', 'daily', 'weekly', 'monthly'] as const;
export type Period = (typeof PERIODS)[number];

/** Everything a view shows; it all lives in the page URL. */
export interface ViewState {
  account: string;
  period: Period;
  tz: string;
  from: string;
  to: string;
  group: string;
  chart: 'bar' | 'area';
  direction: '' | 'inbound' | 'outbound';
  answered: '' | 'yes' | 'no';
  name: string;
  countries: string[];
  regions: string[];
  /** Extra flask-restless filter entries as JSON text (any field of the registry). */
  filters: string;
  metrics: string[];
}
