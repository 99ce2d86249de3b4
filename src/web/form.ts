import type { ViewState } from './types.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Every element the page script touches, by id (index.html). */
export const ui = {
  signin: $('signin'),
  signinForm: $<HTMLFormElement>('signin-form'),
  key: $<HTMLInputElement>('key'),
  signinError: $('signin-error'),
  signout: $<HTMLButtonElement>('signout'),
  who: $('who'),
  dash: $('dash'),
  controls: $<HTMLFormElement>('controls'),
  account: $<HTMLSelectElement>('account'),
  period: $<HTMLSelectElement>('period'),
  tz: $<HTMLInputElement>('tz'),
  tzList: $<HTMLDataListElement>('tz-list'),
  from: $<HTMLInputElement>('from'),
  to: $<HTMLInputElement>('to'),
  quick: $('quick'),
  group: $<HTMLSelectElement>('group'),
  chartKind: $<HTMLSelectElement>('chart-kind'),
  metrics: $('metrics'),
  direction: $<HTMLSelectElement>('direction'),
  answered: $<HTMLSelectElement>('answered'),
  name: $<HTMLInputElement>('name'),
  countries: $<HTMLSelectElement>('countries'),
  regions: $<HTMLSelectElement>('regions'),
  filters: $<HTMLTextAreaElement>('filters'),
  filtersBox: $<HTMLDetailsElement>('filters-box'),
  csv: $<HTMLButtonElement>('csv'),
  copy: $<HTMLButtonElement>('copy'),
  apiUrl: $<HTMLInputElement>('api-url'),
  status: $('status'),
  error: $('error'),
  results: $('results'),
  legend: $('legend'),
  chart: $('chart'),
  hover: $('hover'),
  ratio: $('ratio'),
  tableNote: $('table-note'),
  table: $<HTMLTableElement>('table'),
};

export function option(value: string, label = value, selected = false): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  o.selected = selected;
  return o;
}

export function selected(select: HTMLSelectElement): string[] {
  return [...select.selectedOptions].map((o) => o.value);
}

/** The view the form describes (the URL is written from it). */
export function readForm(fallbackTz: string): ViewState {
  return {
    account: ui.account.value,
    period: ui.period.value as ViewState['period'],
    tz: ui.tz.value.trim() || fallbackTz,
    from: ui.from.value,
    to: ui.to.value,
    group: ui.group.value,
    chart: ui.chartKind.value === 'area' ? 'area' : 'bar',
    direction: ui.direction.value as ViewState['direction'],
    answered: ui.answered.value as ViewState['answered'],
    name: ui.name.value,
    countries: selected(ui.countries),
    regions: selected(ui.regions),
    filters: ui.filters.value,
    metrics: [...ui.metrics.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value),
  };
}

/** Puts a view into the form. Options not loaded yet (an account, a region) are added so they show. */
export function writeForm(s: ViewState): void {
  if (s.account && ![...ui.account.options].some((o) => o.value === s.account)) ui.account.append(option(s.account));
  ui.account.value = s.account;
  ui.period.value = s.period;
  ui.tz.value = s.tz;
  ui.from.value = s.from;
  ui.to.value = s.to;
  if (s.group && ![...ui.group.options].some((o) => o.value === s.group)) ui.group.append(option(s.group));
  ui.group.value = s.group;
  ui.chartKind.value = s.chart;
  ui.direction.value = s.direction;
  ui.answered.value = s.answered;
  ui.name.value = s.name;
  ui.filters.value = s.filters;
  for (const [select, values] of [
    [ui.countries, s.countries],
    [ui.regions, s.regions],
  ] as const) {
    for (const v of values) if (![...select.options].some((o) => o.value === v)) select.append(option(v));
    for (const o of select.options) o.selected = values.includes(o.value);
  }
  for (const m of s.metrics) if (!ui.metrics.querySelector(`input[value="${CSS.escape(m)}"]`)) ui.metrics.append(metricBox(m));
  for (const i of ui.metrics.querySelectorAll<HTMLInputElement>('input')) i.checked = s.metrics.includes(i.value);
  if (s.direction || s.answered || s.name || s.countries.length || s.regions.length || s.filters) ui.filtersBox.open = true;
}

export function metricBox(m: string): HTMLLabelElement {
  const label = document.createElement('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.value = m;
  box.name = 'metric';
  label.append(box, document.createTextNode(m));
  return label;
}
