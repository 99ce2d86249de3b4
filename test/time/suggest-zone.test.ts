/** Unknown time-zone names come back with the closest IANA names, so a typo or a bare city is one step from right. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offsetAt, suggestTimeZones, UnknownTimeZoneError } from '../../src/time/index.js';
import { parseApiQuery } from '../../src/report/request.js';
import { CallstatsError } from '../../src/core/errors.js';

test('a bare city, in any case or with spaces, suggests the zone it names', () => {
  assert.deepEqual(suggestTimeZones('Auckland'), ['Pacific/Auckland']);
  assert.deepEqual(suggestTimeZones('new york'), ['America/New_York']);
  assert.deepEqual(suggestTimeZones('LONDON'), ['Europe/London']);
});

test('a misspelt name suggests the names one or two edits away, closest first', () => {
  assert.deepEqual(suggestTimeZones('Pacific/Aukland'), ['Pacific/Auckland']);
  assert.deepEqual(suggestTimeZones('Europe/Londn'), ['Europe/London']);
  assert.deepEqual(suggestTimeZones('Austrlia/Sydney'), ['Australia/Sydney']);
});

test('a name close to nothing suggests nothing', () => {
  assert.deepEqual(suggestTimeZones('Mars/Olympus_Mons'), []);
  assert.deepEqual(suggestTimeZones(''), []);
  assert.deepEqual(suggestTimeZones('x'.repeat(500)), []);
});

test('the error of an unknown zone carries the suggestion: in the query and from the zone lookup', () => {
  assert.throws(
    () => parseApiQuery('{"timezone": "Auckland"}', { defaultTimezone: 'UTC', dateOrder: 'dmy' }),
    (e: unknown) =>
      e instanceof CallstatsError &&
      JSON.stringify(e.data) === JSON.stringify({ q: { timezone: "unknown time zone 'Auckland' (did you mean 'Pacific/Auckland'?)" } }),
  );
  assert.throws(
    () => offsetAt('Auckland', 0),
    (e: unknown) =>
      e instanceof UnknownTimeZoneError &&
      e.message ===
        "unknown time zone 'Auckland': expected an IANA name such as 'Pacific/Auckland' or 'UTC' (did you mean 'Pacific/Auckland'?)",
  );
});
