import { api, ApiError, session } from './api.js';
import { callsChart, ratioChart, type CallsChart } from './chart.js';
import { QUICK_LABELS, QUICK_RANGES, quickRange } from './ranges.js';
import { apiPath, LocalInputError, searchFromState, stateFromSearch } from './state.js';
import { bucketSummary, renderTable } from './table.js';
import { metricBox, option, readForm, selected, ui, writeForm } from './form.js';
import type { Answer, ViewState } from './types.js';

let state: ViewState = stateFromSearch(location.search);
let charts: CallsChart[] = [];
let running: AbortController | undefined;
let regionsFor = '';

function showSignin(message = ''): void {
  ui.dash.hidden = true;
  ui.signout.hidden = true;
  ui.who.textContent = '';
  ui.signin.hidden = false;
  ui.signinError.textContent = message;
  ui.key.focus();
}

function showError(err: unknown): void {
  ui.error.hidden = false;
  ui.error.replaceChildren();
  const title = document.createElement('strong');
  const list = document.createElement('ul');
  if (err instanceof ApiError) {
    title.textContent = `${err.message} (HTTP ${err.status})`;
    for (const line of err.details()) {
      const li = document.createElement('li');
      li.textContent = line;
      list.append(li);
    }
  } else if (err instanceof LocalInputError) {
    title.textContent = err.message;
    const li = document.createElement('li');
    li.textContent = err.field;
    list.append(li);
  } else title.textContent = String((err as Error)?.message ?? err);
  ui.error.append(title, list);
}

function clearResults(): void {
  for (const c of charts) c.destroy();
  charts = [];
  ui.legend.replaceChildren();
  ui.chart.replaceChildren();
  ui.ratio.replaceChildren();
  ui.table.replaceChildren();
  ui.tableNote.textContent = '';
  ui.hover.hidden = true;
  delete ui.chart.dataset.buckets;
}

function hoverPanel(answer: Answer, index: number | null, s: ViewState): void {
  const keys = Object.keys(answer);
  if (index === null || keys[index] === undefined) return;
  const key = keys[index];
  const b = answer[key];
  const dl = document.createElement('dl');
  const lines = bucketSummary(key, b, s.metrics);
  if (s.group) for (const [g, gb] of Object.entries(b.groups ?? {})) lines.push([g, String(gb.total)]);
  for (const [k, v] of lines) {
    const div = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dd.dataset.field = k;
    div.append(dt, dd);
    dl.append(div);
  }
  ui.hover.replaceChildren(dl);
  ui.hover.dataset.key = key;
}

/** Fetches the view's statistics and draws them; an older request still running is dropped. */
async function load(): Promise<void> {
  running?.abort();
  const ctl = new AbortController();
  running = ctl;
  ui.error.hidden = true;
  let path: string;
  try {
    path = apiPath(state, 'stats');
  } catch (err) {
    clearResults();
    ui.status.textContent = '';
    showError(err);
    return;
  }
  ui.apiUrl.value = new URL(path, location.origin).href;
  if (!state.account) {
    clearResults();
    ui.status.textContent = 'No account to show.';
    return;
  }
  ui.status.textContent = 'Loading…';
  ui.results.setAttribute('aria-busy', 'true');
  try {
    const answer = await api.statistics(session.get(), path, ctl.signal);
    if (ctl.signal.aborted) return;
    clearResults();
    const n = Object.keys(answer).length;
    if (n === 0) {
      ui.status.textContent = 'No calls match this view.';
      const empty = document.createElement('p');
      empty.className = 'empty';
      empty.textContent = 'No calls in this time range with these filters.';
      ui.chart.append(empty);
      return;
    }
    ui.status.textContent = `${n} ${n === 1 ? 'bucket' : 'buckets'} (${state.period}, ${state.tz}).`;
    ui.hover.hidden = false;
    ui.hover.textContent = 'Hover a bar for its exact numbers.';
    delete ui.hover.dataset.key;
    charts.push(callsChart(ui.chart, ui.legend, answer, !!state.group, state.chart, (i) => hoverPanel(answer, i, state)));
    if (state.metrics.includes('asr') || state.metrics.includes('acd')) charts.push(ratioChart(ui.ratio, answer, state.metrics));
    renderTable(ui.table, ui.tableNote, answer, !!state.group, state.metrics);
    ui.chart.dataset.drawn = String(performance.now());
  } catch (err) {
    if (ctl.signal.aborted) return;
    clearResults();
    ui.status.textContent = '';
    if (err instanceof ApiError && err.status === 401) return signOut('The key was refused: sign in again.');
    showError(err);
  } finally {
    if (running === ctl) ui.results.removeAttribute('aria-busy');
  }
}

/** Records the form's view in the URL as a new history entry and shows it; nothing when unchanged. */
function apply(): void {
  const next = readForm(state.tz);
  const search = searchFromState(next);
  // :TRICKY: a click on Apply after typing fires the field's 'change' first: the view is already shown.
  if (search === location.search) return;
  history.pushState(null, '', search);
  state = next;
  void loadRegions();
  void load();
}

async function loadRegions(): Promise<void> {
  const wanted = state.countries.join('&');
  if (wanted === regionsFor || !state.account) return;
  regionsFor = wanted;
  if (state.countries.length === 0) {
    ui.regions.replaceChildren(...state.regions.map((r) => option(r, r, true)));
    return;
  }
  try {
    const { countries } = await api.regions(session.get(), state.account, state.countries);
    const names = Object.values(countries).flatMap((regions) => Object.keys(regions));
    ui.regions.replaceChildren(...names.map((r) => option(r, r, state.regions.includes(r))));
  } catch (err) {
    showError(err);
  }
}

async function start(key: string): Promise<boolean> {
  let accounts: { id: string }[];
  try {
    accounts = await api.accounts(key);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      session.clear();
      showSignin('Wrong key: the server does not know it (or it was revoked).');
      return false;
    }
    showSignin(`The server did not answer: ${(err as Error).message}`);
    return false;
  }
  session.set(key);
  ui.signin.hidden = true;
  ui.dash.hidden = false;
  ui.signout.hidden = false;
  ui.who.textContent = `key ${key.split('.')[0]}`;
  ui.account.replaceChildren(...accounts.map((a) => option(a.id)));
  if (!state.account || !accounts.some((a) => a.id === state.account)) state.account = accounts[0]?.id ?? state.account;
  history.replaceState(null, '', searchFromState(state));
  writeForm(state);
  // The chart first: the choice lists arrive beside it (a linked view's values are kept meanwhile).
  const shown = load();
  const [vocabulary, countries] = await Promise.allSettled([
    api.vocabulary(),
    state.account ? api.countries(key, state.account) : Promise.resolve({ countries: [] }),
  ]);
  if (vocabulary.status === 'fulfilled') {
    const { fields, metrics } = vocabulary.value;
    ui.group.replaceChildren(option('', '(none)'), ...fields.filter((f) => f.groupable).map((f) => option(f.name)));
    ui.metrics.replaceChildren(...metrics.map(metricBox));
  }
  if (countries.status === 'fulfilled') ui.countries.replaceChildren(...countries.value.countries.map((c) => option(c)));
  writeForm(state);
  void loadRegions();
  await shown;
  return true;
}

function signOut(message = ''): void {
  running?.abort();
  session.clear();
  clearResults();
  showSignin(message);
}

function setup(): void {
  const zones = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  ui.tzList.replaceChildren(...['UTC', ...zones.filter((z) => z !== 'UTC')].map((z) => option(z)));
  for (const r of QUICK_RANGES) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = QUICK_LABELS[r];
    b.dataset.range = r;
    b.addEventListener('click', () => {
      const { from, to } = quickRange(r, ui.tz.value.trim() || state.tz);
      ui.from.value = from;
      ui.to.value = to;
      apply();
    });
    ui.quick.append(b);
  }
  ui.signinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const key = ui.key.value.trim();
    ui.signinError.textContent = 'Checking…';
    void start(key).then((ok) => {
      if (ok) ui.key.value = '';
    });
  });
  ui.signout.addEventListener('click', () => signOut('Signed out.'));
  ui.controls.addEventListener('submit', (e) => {
    e.preventDefault();
    apply();
  });
  // Selects and checkboxes apply at once; text fields on Enter/blur (their 'change').
  ui.controls.addEventListener('change', (e) => {
    if (e.target === ui.account) regionsFor = '\u0000';
    if (e.target === ui.account) {
      void api.countries(session.get(), ui.account.value).then(({ countries }) => {
        const keep = selected(ui.countries);
        ui.countries.replaceChildren(...countries.map((c) => option(c, c, keep.includes(c))));
      });
    }
    apply();
  });
  ui.csv.addEventListener('click', () => void downloadCsv());
  ui.copy.addEventListener('click', () => {
    ui.apiUrl.select();
    void navigator.clipboard?.writeText(ui.apiUrl.value).then(
      () => (ui.status.textContent = 'API URL copied (send it with your X-Auth-Token header).'),
      () => (ui.status.textContent = 'Select the API URL below and copy it.'),
    );
  });
  window.addEventListener('popstate', () => {
    state = stateFromSearch(location.search);
    writeForm(state);
    void loadRegions();
    void load();
  });
  let width = ui.chart.clientWidth;
  new ResizeObserver(() => {
    if (ui.chart.clientWidth === width) return;
    width = ui.chart.clientWidth;
    for (const c of charts) c.resize(width);
  }).observe(ui.results);
}

async function downloadCsv(): Promise<void> {
  try {
    const blob = await api.csv(session.get(), apiPath(state, 'csv'));
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'call_statistics.csv';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  } catch (err) {
    showError(err);
  }
}

setup();
const key = session.get();
if (key) void start(key);
else showSignin();
