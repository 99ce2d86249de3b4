import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseNumber } from '../../src/zones/normalise.js';

test('+ and 00 mark international numbers, separators are ignored', () => {
  assert.equal(normaliseNumber('+64 3 412 3456'), '6434123456');
  assert.equal(normaliseNumber('0064 3 412 3456'), '6434123456');
  assert.equal(normaliseNumber('+1 (212) 555-1234'), '12125551234');
  assert.equal(normaliseNumber('+61.412.345.678'), '61412345678');
  assert.equal(normaliseNumber('0064 3 412 3456', 'NZ'), '6434123456');
});

test('sip: and tel: URIs lose scheme, domain and parameters', () => {
  assert.equal(normaliseNumber('sip:+6434123456@pbx.example.com'), '6434123456');
  assert.equal(normaliseNumber('SIP:006434123456@10.0.0.1:5060'), '6434123456');
  assert.equal(normaliseNumber('tel:+64-3-412-3456;phone-context=example.com'), '6434123456');
  assert.equal(normaliseNumber('sip:1001@pbx.example.com', 'NZ'), null);
  assert.equal(normaliseNumber('mailto:+6434123456'), null);
});

test('national numbers use the default country', () => {
  assert.equal(normaliseNumber('03 412 3456', 'NZ'), '6434123456');
  assert.equal(normaliseNumber('034123456', 'nz'), '6434123456');
  assert.equal(normaliseNumber('021 123 4567', 'NZ'), '64211234567');
  assert.equal(normaliseNumber('(02) 9876 5432', 'AU'), '61298765432');
  assert.equal(normaliseNumber('212-555-1234', 'US'), '12125551234');
  assert.equal(normaliseNumber('4165551234', 'CA'), '14165551234');
});

test('an 11-digit NANP number with its leading 1 is accepted for US and CA', () => {
  assert.equal(normaliseNumber('12125551234', 'US'), '12125551234');
  assert.equal(normaliseNumber('1 416 555 1234', 'CA'), '14165551234');
});

test("the default country's own international access code is honoured before 00", () => {
  assert.equal(normaliseNumber('011 64 3 412 3456', 'US'), '6434123456');
  assert.equal(normaliseNumber('0011 64 3 412 3456', 'AU'), '6434123456');
});

test('11 to 15 bare digits are E.164 without + when no national reading fits', () => {
  assert.equal(normaliseNumber('6434123456'), null); // 10 digits: could be a national number anywhere
  assert.equal(normaliseNumber('12125551234'), '12125551234');
  assert.equal(normaliseNumber('12125551234', 'NZ'), '12125551234');
});

test("a national-looking number starting with the default country's calling code is read as E.164", () => {
  // libphonenumber strips a leading calling code when the rest is a valid number of that country.
  assert.equal(normaliseNumber('6434123456', 'NZ'), '6434123456');
});

test('extensions, feature codes, names and empty values have no number', () => {
  for (const raw of ['1001', '100', '*97', '#21#', 'anonymous', 'Restricted', '', '+', '+123', null, undefined]) {
    assert.equal(normaliseNumber(raw, 'NZ'), null, String(raw));
  }
  assert.equal(normaliseNumber('1001'), null);
});

test('international numbers must be 7 to 15 digits and not start with 0', () => {
  assert.equal(normaliseNumber('+683 4002'), '6834002');
  assert.equal(normaliseNumber('+12345678901234567'), null);
  assert.equal(normaliseNumber('+0123456789'), null);
  assert.equal(normaliseNumber('+64 3 412+3456'), null);
});

test('an unknown default country is not an error, only no national reading', () => {
  assert.equal(normaliseNumber('03 412 3456', 'XX'), null);
  assert.equal(normaliseNumber('+6434123456', 'XX'), '6434123456');
});
