import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { demoServer, launchChromium, recordingPage, screenshot } from './harness.js';

type Answer = Record<
  string,
  { total: number; duration_seconds: Record<string, number>; asr?: number; groups?: Record<string, { total: number }> }
>;

// The demo's DST start in Auckland (harness DEMO_NOW puts it inside the data): 02:00 → 03:00 NZDT.
const DST_DAY = { from: '2026-09-27T00:00', to: '2026-09-28T00:00' };

describe('the dashboard in Debian chromium, on the demo account (20,000 calls)', () => {
  let srv: Awaited<ReturnType<typeof demoServer>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  before(async () => {
    [srv, browser] = await Promise.all([demoServer(), launchChromium()]);
    const tab = await recordingPage(browser.context);
    page = tab.page;
    // Each tab records into its own arrays; the last test reads them all through these.
    tab.requests.push = (...r: string[]) => requests.push(...r);
    tab.errors.push = (...e: string[]) => errors.push(...e);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  /** The API's own answer for a q, fetched with the same key. */
  async function api(path: string, q: unknown): Promise<{ status: number; body: any; bytes: Buffer }> {
    const res = await fetch(`${srv.origin}/v2/accounts/${srv.account}/call_statistics/${path}?q=${encodeURIComponent(JSON.stringify(q))}`, {
      headers: { 'x-auth-token': srv.token },
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, body: path === 'csv' ? undefined : JSON.parse(bytes.toString()), bytes };
  }

  const rangeFilters = (r: { from: string; to: string }) => [
    { name: 'call_time', op: '>=', val: `${r.from}:00` },
    { name: 'call_time', op: '<', val: `${r.to}:00` },
  ];

  /** The bucket keys of the table's bucket rows, in order. */
  const tableKeys = () => page.$$eval('#table tbody tr:not([data-group])', (rows) => rows.map((r) => (r as HTMLElement).dataset.key!));

  async function drawn(): Promise<void> {
    await page.waitForFunction(
      () => !document.getElementById('results')!.hasAttribute('aria-busy') && document.getElementById('status')!.textContent !== 'Loading…',
    );
  }

  /** Sets form fields like a person would, then presses Apply. */
  async function setForm(fields: Record<string, string>): Promise<void> {
    for (const [id, value] of Object.entries(fields)) {
      if (!(await page.isVisible(`#${id}`))) await page.click('#filters-box summary');
      const tag = await page.$eval(`#${id}`, (e) => e.tagName);
      if (tag === 'SELECT') await page.selectOption(`#${id}`, value);
      else await page.fill(`#${id}`, value);
    }
    await page.click('#controls button[type=submit]');
    await drawn();
  }

  test('a wrong key is refused with a message; the right key shows the chart and the statistics table', async () => {
    await page.goto(`${srv.origin}/`);
    await page.fill('#key', `${srv.token}x`);
    await page.click('#signin-form button');
    await page.waitForFunction(() => /Wrong key/.test(document.getElementById('signin-error')!.textContent!));
    assert.equal(await page.isVisible('#dash'), false);
    await screenshot(page, '01-signin-wrong-key');
    await page.fill('#key', srv.token);
    await page.click('#signin-form button');
    await page.waitForSelector('#chart[data-buckets]');
    assert.equal(await page.inputValue('#account'), srv.account);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('callstats.key')), srv.token);
    // The choices are the server's registries, not a copy in the page.
    const vocab = (await (await fetch(`${srv.origin}/v2/fields`)).json()).data as {
      fields: { name: string; groupable: boolean }[];
      metrics: string[];
    };
    await page.waitForSelector('#metrics input');
    assert.deepEqual(await page.$$eval('#group option', (os) => os.map((o) => (o as HTMLOptionElement).value)), [
      '',
      ...vocab.fields.filter((f) => f.groupable).map((f) => f.name),
    ]);
    assert.deepEqual(await page.$$eval('#metrics input', (is) => is.map((i) => (i as HTMLInputElement).value)), vocab.metrics);
    await screenshot(page, '02-signed-in');
  });

  test('one bar per non-empty bucket of the API answer, the table lists its keys, and hover shows its exact numbers', async () => {
    const tz = await page.inputValue('#tz');
    const { body } = await api('daily', { filters: [], timezone: tz });
    const keys = Object.keys(body.data as Answer);
    assert.ok(keys.length > 150, `the demo spans six months: ${keys.length} days`);
    assert.equal(await page.getAttribute('#chart', 'data-buckets'), String(keys.length));
    assert.deepEqual(await tableKeys(), keys);
    const over = (await page.$('#chart .u-over'))!;
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForSelector('#hover[data-key]');
    const key = (await page.getAttribute('#hover', 'data-key'))!;
    const b = (body.data as Answer)[key];
    assert.ok(b, `hovered key ${key} is one of the API's`);
    assert.equal(await page.textContent('#hover dd[data-field="legs"]'), String(b.total));
    const d = b.duration_seconds;
    assert.equal(
      await page.textContent('#hover dd[data-field="min / median / mean / max"]'),
      `${d.min} / ${d.median} / ${d.mean} / ${d.max} s`,
    );
    const row = await page.$$eval(`#table tbody tr[data-key="${key}"] td`, (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(row, [key, String(b.total), String(d.min), String(d.median), String(d.mean), String(d.max)]);
    await screenshot(page, '03-hover');
  });

  test('Pacific/Auckland on its DST day: the buckets are the API answer in that zone, not UTC', async () => {
    await setForm({ period: 'hourly', tz: 'UTC', ...DST_DAY });
    const utc = Object.keys((await api('hourly', { filters: rangeFilters(DST_DAY), timezone: 'UTC' })).body.data);
    assert.deepEqual(await tableKeys(), utc);
    await setForm({ tz: 'Pacific/Auckland' });
    const nz = Object.keys((await api('hourly', { filters: rangeFilters(DST_DAY), timezone: 'Pacific/Auckland' })).body.data);
    assert.ok(nz.length > 0);
    assert.deepEqual(await tableKeys(), nz);
    assert.equal(await page.getAttribute('#chart', 'data-buckets'), String(nz.length));
    assert.notDeepEqual(nz, utc);
    assert.ok(
      nz.every((k) => k.endsWith(' 27/09/2026')),
      'local day 27/09 only',
    );
    assert.ok(!nz.includes('02:00:00 27/09/2026'), 'the skipped hour has no bucket');
    await screenshot(page, '04-auckland-dst-day');
  });

  test("grouping stacks by the API's groups; the legend toggles a group by mouse or keyboard", async () => {
    await setForm({ period: 'daily', from: '2026-09-21T00:00', to: '2026-10-05T00:00', group: 'call_direction' });
    const q = {
      filters: rangeFilters({ from: '2026-09-21T00:00', to: '2026-10-05T00:00' }),
      timezone: 'Pacific/Auckland',
      grouping: 'call_direction',
    };
    const data = (await api('daily', q)).body.data as Answer;
    const groups = [...new Set(Object.values(data).flatMap((b) => Object.keys(b.groups ?? {})))].sort();
    assert.deepEqual(groups, ['inbound', 'outbound']);
    assert.deepEqual(await page.$$eval('#legend button', (bs) => bs.map((b) => b.textContent)), groups);
    const groupRows = await page.$$eval('#table tbody tr[data-group]', (rows) =>
      rows.map((r) => [(r as HTMLElement).dataset.key, (r as HTMLElement).dataset.group, r.children[2].textContent]),
    );
    assert.deepEqual(
      groupRows,
      Object.entries(data).flatMap(([k, b]) => Object.entries(b.groups!).map(([g, gb]) => [k, g, String(gb.total)])),
    );
    await screenshot(page, '05-grouped-by-direction');
    await page.focus('#legend button[data-group="inbound"]');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#legend button[data-group="inbound"]', 'aria-pressed'), 'false');
    await page.click('#legend button[data-group="inbound"]');
    assert.equal(await page.getAttribute('#legend button[data-group="inbound"]', 'aria-pressed'), 'true');
  });

  test("the downloaded CSV is the API's CSV of the same query, byte for byte", async () => {
    await setForm({ group: '', ...DST_DAY, direction: 'inbound' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const got = await readFile((await download.path())!);
    const filters = [...rangeFilters(DST_DAY), { name: 'call_direction', op: '==', val: 'inbound' }];
    const want = (await api('csv', { filters, timezone: 'Pacific/Auckland' })).bytes;
    assert.ok(want.length > 200, 'some calls');
    assert.equal(download.suggestedFilename(), 'call_statistics.csv');
    assert.deepEqual(got, want);
    const url = new URL(await page.inputValue('#api-url'));
    assert.equal(url.origin + url.pathname, `${srv.origin}/v2/accounts/${srv.account}/call_statistics/daily`);
    assert.deepEqual(JSON.parse(url.searchParams.get('q')!), { filters, timezone: 'Pacific/Auckland' });
  });

  test("a bad filter shows the envelope's message and names the field", async () => {
    const bad = [{ name: 'caller_id_nme', op: '==', val: 'x' }];
    await setForm({ direction: '', filters: JSON.stringify(bad) });
    const { status, body } = await api('daily', { filters: [...rangeFilters(DST_DAY), ...bad], timezone: 'Pacific/Auckland' });
    assert.equal(status, 400);
    const [[path, reason]] = Object.entries(body.data.q as Record<string, string>);
    assert.equal(path, 'filters[2].name');
    const shown = await page.textContent('#error');
    assert.ok(shown!.includes(body.message), shown!);
    assert.ok(shown!.includes(`q.${path}: ${reason}`), shown!);
    assert.equal(await page.getAttribute('#chart', 'data-buckets'), null, 'no chart under an error');
    await screenshot(page, '06-bad-filter');
    await setForm({ filters: '' });
    assert.equal(await page.isVisible('#error'), false);
  });

  test('callee countries and regions come from the zones API and filter as the API does', async () => {
    await setForm({ period: 'monthly', from: '', to: '' });
    const countries = (await page.$$eval('#countries option', (os) => os.map((o) => (o as HTMLOptionElement).value))) as string[];
    const listed = await fetch(`${srv.origin}/v2/accounts/${srv.account}/call_statistics/countries`, {
      headers: { 'x-auth-token': srv.token },
    });
    assert.deepEqual(countries, (await listed.json()).data.countries);
    await page.selectOption('#countries', ['Australia']);
    await drawn();
    await page.waitForSelector('#regions option');
    const regions = (await page.$$eval('#regions option', (os) => os.map((o) => (o as HTMLOptionElement).value))) as string[];
    const zones = await fetch(`${srv.origin}/v2/accounts/${srv.account}/call_statistics/countries/Australia`, {
      headers: { 'x-auth-token': srv.token },
    });
    assert.deepEqual(regions, Object.keys((await zones.json()).data.countries.Australia));
    const filters = [{ name: 'callee_country', op: 'in', val: ['Australia'] }];
    const data = (await api('monthly', { filters, timezone: 'Pacific/Auckland' })).body.data as Answer;
    assert.ok(Object.keys(data).length > 0, 'the demo calls Australia');
    assert.deepEqual(await tableKeys(), Object.keys(data));
    const totals = await page.$$eval('#table tbody tr', (rows) => rows.map((r) => r.children[1].textContent));
    assert.deepEqual(
      totals,
      Object.values(data).map((b) => String(b.total)),
    );
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 1280, 'long region names do not widen the page');
    await screenshot(page, '07-callee-australia');
    await page.selectOption('#countries', []);
    await drawn();
  });

  test('empty and loading states', async () => {
    await page.route('**/call_statistics/weekly?**', async (route) => {
      await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    await page.selectOption('#period', 'weekly');
    await page.waitForFunction(() => document.getElementById('results')!.getAttribute('aria-busy') === 'true');
    assert.equal(await page.textContent('#status'), 'Loading…');
    await screenshot(page, '08-loading');
    await drawn();
    await page.unroute('**/call_statistics/weekly?**');
    await setForm({ from: '2020-01-01T00:00', to: '2020-02-01T00:00' });
    assert.equal(await page.textContent('#status'), 'No calls match this view.');
    assert.equal(await page.textContent('#chart .empty'), 'No calls in this time range with these filters.');
    await screenshot(page, '09-empty');
  });

  test('the whole view lives in the URL: back and forward, reload, and a shared link after sign-in', async () => {
    await setForm({ period: 'weekly', from: '', to: '', tz: 'Asia/Kolkata' });
    const weekly = page.url();
    // Every change is one history entry: weekly → daily → daily grouped.
    await setForm({ period: 'daily' });
    const dailyKeys = await tableKeys();
    await setForm({ group: 'unanswered' });
    const grouped = page.url();
    assert.deepEqual(Object.fromEntries(new URL(grouped).searchParams), {
      account: srv.account,
      period: 'daily',
      tz: 'Asia/Kolkata',
      group: 'unanswered',
    });
    const groupedKeys = await tableKeys();
    assert.deepEqual(groupedKeys, dailyKeys);
    await page.goBack();
    await drawn();
    assert.deepEqual([await page.inputValue('#period'), await page.inputValue('#group')], ['daily', '']);
    await page.goBack();
    await drawn();
    assert.equal(page.url(), weekly);
    assert.deepEqual([await page.inputValue('#period'), await page.inputValue('#group')], ['weekly', '']);
    const weeklyKeys = Object.keys((await api('weekly', { filters: [], timezone: 'Asia/Kolkata' })).body.data);
    assert.deepEqual(await tableKeys(), weeklyKeys);
    await page.goForward();
    await drawn();
    assert.equal(await page.inputValue('#period'), 'daily');
    assert.deepEqual(await tableKeys(), dailyKeys);
    await page.goForward();
    await drawn();
    const daily = page.url();
    assert.equal(daily, grouped);
    await page.reload();
    await page.waitForSelector('#chart[data-buckets]');
    await drawn();
    assert.equal(page.url(), daily);
    assert.equal(await page.inputValue('#group'), 'unanswered');
    assert.equal(await page.inputValue('#tz'), 'Asia/Kolkata');
    assert.deepEqual(await tableKeys(), dailyKeys);
    // A new tab has no key: after signing in it shows the linked view, not the default one.
    const other = await recordingPage(browser.context);
    other.requests.push = (...r: string[]) => requests.push(...r);
    other.errors.push = (...e: string[]) => errors.push(...e);
    await other.page.goto(daily);
    await other.page.fill('#key', srv.token);
    await other.page.click('#signin-form button');
    await other.page.waitForSelector('#chart[data-buckets]');
    assert.equal(await other.page.inputValue('#group'), 'unanswered');
    assert.equal(other.page.url(), daily);
    await other.page.close();
  });

  test('ASR and ACD as a line with the API values in the table', async () => {
    await setForm({ period: 'monthly', group: '' });
    await page.check('#metrics input[value="asr"]');
    await drawn();
    await page.check('#metrics input[value="acd"]');
    await drawn();
    const data = (await api('monthly', { filters: [], timezone: 'Asia/Kolkata', metrics: ['asr', 'acd'] })).body.data as Answer;
    assert.equal(await page.locator('#ratio canvas').count(), 1);
    const asr = await page.$$eval('#table tbody tr', (rows) => rows.map((r) => r.children[r.children.length - 2].textContent));
    assert.deepEqual(
      asr,
      Object.values(data).map((b) => String(b.asr)),
    );
    await screenshot(page, '10-asr-acd');
  });

  test('a phone-width window (390 px) has no sideways scrolling and still shows chart and table', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => document.querySelector('#chart canvas')!.getBoundingClientRect().width <= 390);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
    assert.equal(await page.isVisible('#chart canvas'), true);
    assert.equal(await page.isVisible('#table'), true);
    await screenshot(page, '11-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('sign out forgets the key', async () => {
    await page.click('#signout');
    assert.equal(await page.isVisible('#signin'), true);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('callstats.key')), null);
    await screenshot(page, '12-signed-out');
  });

  test('no console errors beyond the two refused requests, and every request the page made went to this server', () => {
    // Chromium logs each 4xx answer to a fetch; these two are the wrong key and the bad filter above.
    assert.deepEqual(errors, [
      'Failed to load resource: the server responded with a status of 401 (Unauthorized)',
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    assert.ok(requests.length > 20);
    const elsewhere = requests.filter((u) => !u.startsWith(`${srv.origin}/`) && !u.startsWith(`blob:${srv.origin}/`) && u !== 'data:,');
    assert.deepEqual(elsewhere, []);
  });
});
