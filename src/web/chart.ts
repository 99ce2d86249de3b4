import uPlot from 'uplot';
import type { Answer } from './types.js';

const PALETTE = ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16', '#f97316', '#64748b'];

/** Colour of the n-th group: the palette, then evenly spread hues. */
export function color(n: number): string {
  return n < PALETTE.length ? PALETTE[n] : `hsl(${(n * 137.5) % 360} 60% 50%)`;
}

/** The groups of an answer in a stable order (sorted), or one pseudo-group for the totals. */
export function groupsOf(answer: Answer, grouped: boolean): string[] {
  // `total` counts legs (Kazoo writes one CDR per leg); the `calls` metric is the distinct calls.
  if (!grouped) return ['legs'];
  const seen = new Set<string>();
  for (const b of Object.values(answer)) for (const g of Object.keys(b.groups ?? {})) seen.add(g);
  return [...seen].sort();
}

/** A bucket key split onto two lines (time, date) so axis labels fit; the text is the API's key. */
function twoLines(key: string): string {
  const i = key.indexOf(' ');
  return i > 0 ? `${key.slice(0, i)}\n${key.slice(i + 1)}` : key.replace('T', '\n');
}

/** The x axis of both charts: bucket indexes labelled with the API's keys. */
function bucketAxis(keys: readonly string[]): uPlot.Axis {
  return {
    space: 90,
    incrs: [1, 2, 3, 4, 6, 7, 12, 24, 48, 96, 168, 336, 720, 1440, 2880, 8760],
    values: (_u, splits) => splits.map((i) => (Number.isInteger(i) && keys[i] !== undefined ? twoLines(keys[i]) : '')),
    size: 48,
    font: '11px system-ui, sans-serif',
  };
}

export interface CallsChart {
  destroy(): void;
  resize(width: number): void;
}

/**
 * Calls per bucket, one bar (or area point) per bucket of the answer, stacked by group. x is the
 * bucket's index: the page places nothing by its own time arithmetic, so every label is the API's key.
 * The stack is drawn as cumulative series from the top down; hover and legend read the raw totals.
 */
export function callsChart(
  el: HTMLElement,
  legend: HTMLElement,
  answer: Answer,
  grouped: boolean,
  kind: 'bar' | 'area',
  onHover: (index: number | null) => void,
): CallsChart {
  const keys = Object.keys(answer);
  const groups = groupsOf(answer, grouped);
  const raw = groups.map((g) => keys.map((k) => (grouped ? (answer[k].groups?.[g]?.total ?? 0) : answer[k].total)));
  const visible = groups.map(() => true);
  const xs = keys.map((_, i) => i);
  const stacked = (): uPlot.AlignedData => {
    const out: number[][] = [];
    let acc = keys.map(() => 0);
    for (let j = groups.length - 1; j >= 0; j--) {
      if (visible[j]) acc = acc.map((v, i) => v + raw[j][i]);
      out[j] = acc;
    }
    return [xs, ...out];
  };
  const bars = uPlot.paths.bars!({ size: [0.8, 80], align: 0 });
  const opts: uPlot.Options = {
    width: Math.max(280, el.clientWidth),
    height: 320,
    legend: { show: false },
    cursor: { points: { show: false }, drag: { x: true, y: false, setScale: true } },
    // Bars stand on zero, whatever the smallest bucket.
    scales: {
      x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
    },
    axes: [bucketAxis(keys), { label: 'legs', font: '11px system-ui, sans-serif', size: 56 }],
    series: [
      {},
      ...groups.map((g, j) => ({
        label: g,
        stroke: color(j),
        fill: color(j),
        width: kind === 'bar' ? 0 : 1,
        points: { show: false },
        ...(kind === 'bar' ? { paths: bars } : {}),
      })),
    ],
    hooks: { setCursor: [(u: uPlot) => onHover(u.cursor.idx ?? null)] },
  };
  const plot = new uPlot(opts, stacked(), el);
  el.dataset.buckets = String(keys.length);
  el.dataset.kind = kind;

  legend.replaceChildren(
    ...groups.map((g, j) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'legend-item';
      b.setAttribute('aria-pressed', 'true');
      b.dataset.group = g;
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = color(j);
      b.append(swatch, document.createTextNode(g));
      b.addEventListener('click', () => {
        visible[j] = !visible[j];
        b.setAttribute('aria-pressed', String(visible[j]));
        plot.setSeries(j + 1, { show: visible[j] });
        plot.setData(stacked());
      });
      return b;
    }),
  );
  return {
    destroy: () => plot.destroy(),
    resize: (width) => plot.setSize({ width: Math.max(280, width), height: 320 }),
  };
}

/** ASR (0–1) and ACD (seconds) per bucket as lines, each exactly the API's value; null where none. */
export function ratioChart(el: HTMLElement, answer: Answer, metrics: string[]): CallsChart {
  const keys = Object.keys(answer);
  const series: uPlot.Series[] = [{}];
  const data: (number | null)[][] = [];
  if (metrics.includes('asr')) {
    series.push({ label: 'ASR', stroke: '#10b981', width: 2, scale: 'ratio', points: { show: keys.length < 200 } });
    data.push(keys.map((k) => answer[k].asr ?? null));
  }
  if (metrics.includes('acd')) {
    series.push({ label: 'ACD (s)', stroke: '#8b5cf6', width: 2, scale: 's', points: { show: keys.length < 200 } });
    data.push(keys.map((k) => answer[k].acd ?? null));
  }
  const opts: uPlot.Options = {
    width: Math.max(280, el.clientWidth),
    height: 200,
    legend: { show: false },
    cursor: { points: { show: false } },
    scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] }, ratio: { range: [0, 1] } },
    axes: [
      bucketAxis(keys),
      ...(metrics.includes('asr') ? [{ scale: 'ratio', label: 'ASR', size: 56, font: '11px system-ui, sans-serif' }] : []),
      ...(metrics.includes('acd')
        ? [{ scale: 's', label: 'ACD (s)', side: 1, size: 56, grid: { show: false }, font: '11px system-ui, sans-serif' }]
        : []),
    ],
    series,
  };
  const plot = new uPlot(opts, [keys.map((_, i) => i), ...data] as uPlot.AlignedData, el);
  return {
    destroy: () => plot.destroy(),
    resize: (width) => plot.setSize({ width: Math.max(280, width), height: 200 }),
  };
}
