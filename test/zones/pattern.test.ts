import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enumeratePattern, prefixTester } from '../../src/zones/pattern.js';

test('a prefix tester accepts exactly the beginnings of possible matches', () => {
  const t = prefixTester(['1534[0-24-8]\\d{5}', '(?:7(?:509|700))\\d{6}']);
  for (const yes of ['', '1', '15', '1534', '15340', '1534012345', '7', '750', '7700', '7509123456']) assert.ok(t.test(yes), yes);
  for (const no of ['2', '16', '15349', '15340123456', '7701', '75091234567']) assert.ok(!t.test(no), no);
});

test('quantifiers bound the prefix length', () => {
  const t = prefixTester(['8\\d{2,3}']);
  assert.ok(t.test('8123'));
  assert.ok(!t.test('81234'));
});

test('finite patterns are enumerated, infinite or large ones are not', () => {
  assert.deepEqual(enumeratePattern('268'), ['268']);
  assert.deepEqual(enumeratePattern('33622|7'), ['33622', '7']);
  assert.deepEqual(enumeratePattern('8[024]9'), ['809', '829', '849']);
  assert.equal(enumeratePattern('\\d+'), undefined);
  assert.equal(enumeratePattern('\\d{3}'), undefined);
});

test('unsupported syntax is refused rather than misread', () => {
  assert.throws(() => prefixTester(['(12)']), /capturing group/);
  assert.throws(() => prefixTester(['1.2']), /unexpected/);
});
