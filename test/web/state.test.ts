import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { quickRange } from '../../src/web/ranges.js';
import { apiPath, LocalInputError, queryOf, searchFromState, stateFromSearch } from '../../src/web/state.js';

describe('quick ranges are calendar dates in the chosen zone (the API does the zone arithmetic)', () => {
  test("'today' follows the zone's date, not UTC's: 12:30 UTC on 26 Sep 2026 is already the 27th in Auckland", () => {
    const now = new Date('2026-09-26T12:30:00Z');
    assert.deepEqual(quickRange('today', 'Pacific/Auckland', now), { from: '2026-09-27T00:00', to: '2026-09-28T00:00' });
    assert.deepEqual(quickRange('today', 'UTC', now), { from: '2026-09-26T00:00', to: '2026-09-27T00:00' });
    assert.deepEqual(quickRange('yesterday', 'Pacific/Auckland', now), { from: '2026-09-26T00:00', to: '2026-09-27T00:00' });
  });

  test('last 7 days include today; months roll over years both ways; all time is no range', () => {
    assert.deepEqual(quickRange('last7', 'UTC', new Date('2026-03-02T10:00:00Z')), { from: '2026-02-24T00:00', to: '2026-03-03T00:00' });
    assert.deepEqual(quickRange('lastmonth', 'UTC', new Date('2026-01-15T10:00:00Z')), {
      from: '2025-12-01T00:00',
      to: '2026-01-01T00:00',
    });
    assert.deepEqual(quickRange('thismonth', 'UTC', new Date('2026-12-31T23:59:00Z')), {
      from: '2026-12-01T00:00',
      to: '2027-01-01T00:00',
    });
    assert.deepEqual(quickRange('all', 'UTC'), { from: '', to: '' });
  });
});

describe('the view state and its URL', () => {
  const view = {
    account: 'de300000000000000000000000000001',
    period: 'hourly' as const,
    tz: 'Pacific/Auckland',
    from: '2026-09-27T00:00',
    to: '2026-09-28T00:00',
    group: 'callee_region',
    chart: 'area' as const,
    direction: 'outbound' as const,
    answered: 'no' as const,
    name: '%Smith & Co%',
    countries: ['New Zealand', 'Australia'],
    regions: ['Australia Mobile'],
    filters: '[{"name":"hangup_cause","op":"==","val":"NORMAL_CLEARING"}]',
    metrics: ['asr', 'percentiles'],
  };

  test('a view survives the round trip through the page URL, every field', () => {
    assert.deepEqual(stateFromSearch(searchFromState(view)), view);
  });

  test('the q of a view: the form filters in order, then the extra JSON entries; CSV drops grouping and metrics', () => {
    const filters = [
      { name: 'call_time', op: '>=', val: '2026-09-27T00:00:00' },
      { name: 'call_time', op: '<', val: '2026-09-28T00:00:00' },
      { name: 'call_direction', op: '==', val: 'outbound' },
      { name: 'unanswered', op: '==', val: true },
      { name: 'caller_id_name', op: 'like', val: '%Smith & Co%' },
      { name: 'callee_country', op: 'in', val: ['New Zealand', 'Australia'] },
      { name: 'callee_region', op: 'in', val: ['Australia Mobile'] },
      { name: 'hangup_cause', op: '==', val: 'NORMAL_CLEARING' },
    ];
    assert.deepEqual(queryOf(view), { filters, timezone: 'Pacific/Auckland', grouping: 'callee_region', metrics: ['asr', 'percentiles'] });
    assert.deepEqual(queryOf(view, true), { filters, timezone: 'Pacific/Auckland' });
    const csv = new URL(apiPath(view, 'csv'), 'http://x');
    assert.equal(csv.pathname, '/v2/accounts/de300000000000000000000000000001/call_statistics/csv');
    assert.deepEqual(JSON.parse(csv.searchParams.get('q')!), { filters, timezone: 'Pacific/Auckland' });
  });

  test('extra filters that are not JSON are refused in the page, naming the box', () => {
    assert.throws(
      () => queryOf({ ...view, filters: '[{"name":' }),
      (e: unknown) => e instanceof LocalInputError && e.field === 'filters',
    );
  });

  test('an empty URL is the default view: daily, no filters, the browser zone', () => {
    const s = stateFromSearch('');
    assert.deepEqual(
      { ...s, tz: 'zone' },
      {
        account: '',
        period: 'daily',
        tz: 'zone',
        from: '',
        to: '',
        group: '',
        chart: 'bar',
        direction: '',
        answered: '',
        name: '',
        countries: [],
        regions: [],
        filters: '',
        metrics: [],
      },
    );
    assert.equal(s.tz, Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
