import type { Answer, Bucket } from './types.js';

/** More rows than this are not drawn (the page stays responsive); the note says how many exist. */
export const MAX_ROWS = 2000;

interface Column {
  label: string;
  cell: (b: Bucket) => unknown;
}

function columns(metrics: string[]): Column[] {
  const cols: Column[] = [
    { label: 'legs', cell: (b) => b.total },
    { label: 'min', cell: (b) => b.duration_seconds.min },
    { label: 'median', cell: (b) => b.duration_seconds.median },
    { label: 'mean', cell: (b) => b.duration_seconds.mean },
    { label: 'max', cell: (b) => b.duration_seconds.max },
  ];
  if (metrics.includes('percentiles'))
    cols.push(
      { label: 'p90', cell: (b) => b.percentiles?.p90 },
      { label: 'p95', cell: (b) => b.percentiles?.p95 },
      { label: 'p99', cell: (b) => b.percentiles?.p99 },
    );
  if (metrics.includes('answered') || metrics.includes('asr') || metrics.includes('acd'))
    cols.push({ label: 'answered', cell: (b) => b.answered });
  if (metrics.includes('calls')) cols.push({ label: 'calls', cell: (b) => b.calls });
  if (metrics.includes('asr')) cols.push({ label: 'ASR', cell: (b) => b.asr });
  if (metrics.includes('acd')) cols.push({ label: 'ACD (s)', cell: (b) => b.acd });
  if (metrics.includes('billing_seconds'))
    cols.push(
      { label: 'billing min', cell: (b) => b.billing_seconds?.min },
      { label: 'billing median', cell: (b) => b.billing_seconds?.median },
      { label: 'billing mean', cell: (b) => b.billing_seconds?.mean },
      { label: 'billing max', cell: (b) => b.billing_seconds?.max },
      { label: 'billing sum', cell: (b) => b.billing_seconds?.sum },
    );
  return cols;
}

/** A number exactly as the API sent it (JSON's shortest round-trip form); blank when absent. */
export function shown(v: unknown): string {
  return v === undefined ? '' : v === null ? '–' : String(v);
}

function td(text: string, cls?: string): HTMLTableCellElement {
  const c = document.createElement('td');
  c.textContent = text;
  if (cls) c.className = cls;
  return c;
}

/** Duration statistics per bucket (and per group) as the API returned them. */
export function renderTable(table: HTMLTableElement, note: HTMLElement, answer: Answer, grouped: boolean, metrics: string[]): void {
  const cols = columns(metrics);
  const head = document.createElement('tr');
  for (const label of ['bucket', ...(grouped ? ['group'] : []), ...cols.map((c) => c.label)]) {
    const th = document.createElement('th');
    th.scope = 'col';
    if (label !== 'bucket' && label !== 'group') th.className = 'num';
    th.textContent = label;
    head.append(th);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  let rows = 0;
  let all = 0;
  const add = (key: string, group: string | undefined, b: Bucket) => {
    all++;
    if (rows >= MAX_ROWS) return;
    rows++;
    const tr = document.createElement('tr');
    tr.dataset.key = key;
    if (group !== undefined) tr.dataset.group = group;
    tr.append(td(key, 'key'));
    if (grouped) tr.append(td(group ?? 'all', group === undefined ? 'all' : undefined));
    for (const c of cols) tr.append(td(shown(c.cell(b)), 'num'));
    if (group === undefined && grouped) tr.className = 'bucket-row';
    tbody.append(tr);
  };
  for (const [key, b] of Object.entries(answer)) {
    add(key, undefined, b);
    if (grouped) for (const [g, gb] of Object.entries(b.groups ?? {})) add(key, g, gb);
  }
  table.replaceChildren(thead, tbody);
  note.textContent = all > rows ? `Showing the first ${rows} of ${all} rows; narrow the time range to see the rest.` : '';
}

/** The exact numbers of one bucket, for the hover panel. */
export function bucketSummary(key: string, b: Bucket, metrics: string[]): [string, string][] {
  const lines: [string, string][] = [
    ['bucket', key],
    ['legs', shown(b.total)],
    [
      'min / median / mean / max',
      `${b.duration_seconds.min} / ${b.duration_seconds.median} / ${b.duration_seconds.mean} / ${b.duration_seconds.max} s`,
    ],
  ];
  if (b.percentiles) lines.push(['p90 / p95 / p99', `${b.percentiles.p90} / ${b.percentiles.p95} / ${b.percentiles.p99} s`]);
  if (metrics.includes('calls')) lines.push(['calls', shown(b.calls)]);
  if (metrics.includes('asr')) lines.push(['ASR', shown(b.asr)]);
  if (metrics.includes('acd')) lines.push(['ACD', `${shown(b.acd)} s`]);
  return lines;
}
