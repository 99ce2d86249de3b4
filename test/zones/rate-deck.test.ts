import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Zone } from '../../src/core/zone.js';
import { parseRateDeck, zonesToCsv } from '../../src/zones/rate-deck.js';

test('columns in any order and case, quoted fields, + prefixes, CRLF and a BOM', () => {
  const deck =
    '\uFEFFDescription,Rate,PREFIX,Country\r\n"Auckland, CBD",0.01,+649,New Zealand\r\nMobile,0.10,+64 21,New Zealand\r\n"Say ""hi""",0,61,Australia\r\n';
  assert.deepEqual(parseRateDeck(deck), {
    zones: [
      { prefix: '649', country: 'New Zealand', description: 'Auckland, CBD' },
      { prefix: '6421', country: 'New Zealand', description: 'Mobile' },
      { prefix: '61', country: 'Australia', description: 'Say "hi"' },
    ],
    errors: [],
  });
});

test('bad records are reported by line and skipped, good ones kept', () => {
  const deck = [
    'prefix,country,description', // 1
    '64,New Zealand,Other', // 2
    'abc,New Zealand,Bad', // 3
    '', // 4 blank: ignored
    '061,Australia,Leading zero', // 5
    '61,,No country', // 6
    '"6421,New Zealand,Mobile', // 7: multi-line quoted field swallowing line 8
    'x",y', // 8
    '44,United Kingdom', // 9
    '64,New Zealand,Other', // 10: exact repeat, dropped silently
    '64,New Zealand,Different', // 11
    '1234567890123456,Nowhere,Too long', // 12
    '"61"x,Australia,Junk after quote', // 13
  ].join('\n');
  const { zones, errors } = parseRateDeck(deck);
  assert.deepEqual(zones, [{ prefix: '64', country: 'New Zealand', description: 'Other' }]);
  assert.deepEqual(errors, [
    { line: 3, reason: "prefix 'abc' is not 1 to 15 digits of E.164 (no leading 0)" },
    { line: 5, reason: "prefix '061' is not 1 to 15 digits of E.164 (no leading 0)" },
    { line: 6, reason: 'country is empty' },
    { line: 7, reason: 'expected 3 fields, found 2' },
    { line: 9, reason: 'expected 3 fields, found 2' },
    { line: 11, reason: 'prefix 64 is already defined differently on line 2' },
    { line: 12, reason: "prefix '1234567890123456' is not 1 to 15 digits of E.164 (no leading 0)" },
    { line: 13, reason: 'text after a closing quote' },
  ]);
});

test('a header without the required columns and an unclosed quote are errors', () => {
  assert.deepEqual(parseRateDeck('prefix,name\n64,NZ\n'), {
    zones: [],
    errors: [{ line: 1, reason: 'header lacks column(s) country, description' }],
  });
  assert.deepEqual(parseRateDeck(''), {
    zones: [],
    errors: [{ line: 1, reason: 'empty file: expected a header with prefix,country,description' }],
  });
  assert.deepEqual(parseRateDeck('prefix,country,description\n64,"New Zealand,Other\n').errors, [
    { line: 2, reason: 'quoted field opened on line 2 is never closed' },
  ]);
});

test('zones export is RFC 4180 CSV that imports again', () => {
  const zones: Zone[] = [
    { id: 1, prefix: '64', country: 'New Zealand', description: 'Other', source: 'default', active: true },
    { id: 2, prefix: '649', country: 'New Zealand', description: 'Auckland, "CBD"', source: 'custom', active: false },
  ];
  const csv = zonesToCsv(zones);
  assert.equal(
    csv,
    'id,prefix,country,description,source,active\r\n1,64,New Zealand,Other,default,1\r\n2,649,New Zealand,"Auckland, ""CBD""",custom,0\r\n',
  );
  assert.deepEqual(
    parseRateDeck(csv).zones,
    zones.map(({ prefix, country, description }) => ({ prefix, country, description })),
  );
});
