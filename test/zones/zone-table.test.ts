import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Zone } from '../../src/core/zone.js';
import { assignZoneIds } from '../../src/zones/ids.js';
import { loadDefaultZones } from '../../src/zones/default-zones.js';
import { ZoneIdMatcher, ZoneMatcher } from '../../src/zones/matcher.js';
import { Worker } from 'node:worker_threads';
import { ZoneTable } from '../../src/zones/zone-table.js';

/** The obviously correct reference: for each length, longest first, the winning active zone of that prefix. */
function reference(zones: readonly Zone[]): (digits: string) => number | null {
  const best = new Map<string, Zone>();
  for (const z of zones) {
    if (!z.active || !/^[1-9]\d{0,14}$/.test(z.prefix)) continue;
    const held = best.get(z.prefix);
    if (!held || (held.source !== z.source ? z.source === 'custom' : z.id > held.id)) best.set(z.prefix, z);
  }
  return (digits) => {
    if (!/^\d*/.test(digits)) return null;
    for (let len = Math.min(15, digits.length); len > 0; len--) {
      const z = best.get(digits.slice(0, len));
      if (z) return z.id;
    }
    return null;
  };
}

// The default table plus a rate deck that overrides, extends and retires some of its prefixes.
const defaults = assignZoneIds([], loadDefaultZones(), { source: 'default', mode: 'replace' });
const deck = defaults.filter((_, k) => k % 97 === 0).map((z) => ({ prefix: z.prefix, country: z.country, description: 'Deck' }));
deck.push({ prefix: '6421999', country: 'New Zealand', description: 'Deck extra' });
const table = assignZoneIds(defaults, deck, { source: 'custom', mode: 'extend' }).map((z, k) =>
  k % 101 === 5 ? { ...z, active: false } : z,
);

test('the column table finds the same zone as the reference and the object matcher for every prefix of the table and 200k random numbers', () => {
  const columns = new ZoneTable(table);
  const matcher = new ZoneMatcher(table);
  const expected = reference(table);
  const numbers: string[] = [];
  for (const z of table) numbers.push(z.prefix, z.prefix + '1234567', z.prefix.slice(0, -1), z.prefix + '0');
  let seed = 20250101;
  for (let k = 0; k < 200_000; k++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    numbers.push(String(seed).padStart(10, '0') + String(k % 97));
  }
  numbers.push('', '64a2345678', '6421x', '0064211234567');
  let mismatches = 0;
  let matched = 0;
  for (const n of numbers) {
    const want = /^\d+$/.test(n) ? expected(n) : columns.matchId(n);
    const got = columns.matchId(n);
    if (got !== null) matched++;
    if (got !== want || (matcher.match(n)?.id ?? null) !== want) {
      if (++mismatches < 5) assert.fail(`${n}: table ${got}, matcher ${matcher.match(n)?.id}, reference ${want}`);
    }
  }
  assert.equal(mismatches, 0);
  assert.ok(matched > table.length, `${matched} numbers matched a zone`);
});

test('non-digits never match, wherever the trie can still see them', () => {
  const columns = new ZoneTable(table);
  assert.equal(columns.matchId('64a2345678'), null);
  assert.equal(columns.matchId(''), null);
  assert.equal(columns.matchId(null), null);
  assert.equal(columns.matchId('+6421999123'), null);
  // As the walk digit by digit always did: the digit just after a leaf is read, nothing further.
  const leaf: Zone[] = [{ id: 1, prefix: '6421', country: 'C', description: 'D', source: 'default', active: true }];
  const [small, m] = [new ZoneTable(leaf), new ZoneMatcher(leaf)];
  for (const [n, want] of [
    ['6421x', null],
    ['64215x', 1],
    ['6421', 1],
    ['642x', null],
    ['6x', null],
    ['7x', null],
  ] as const) {
    assert.equal(small.matchId(n), want, n);
    assert.equal(m.match(n)?.id ?? null, want, n);
  }
});

test('the column table gives back every zone exactly, by id and in id order', () => {
  const odd: Zone = { id: table.length + 10, prefix: '0800', country: 'Testland', description: '', source: 'custom', active: true };
  const all = [...table, odd];
  const columns = new ZoneTable([...all].reverse());
  assert.deepEqual(columns.all(), all);
  for (const z of all.filter((_, k) => k % 1000 === 0).concat(odd)) assert.deepEqual(columns.zone(columns.rowOf(z.id)), z);
  assert.equal(columns.rowOf(0), -1);
  assert.equal(columns.rowOf(odd.id + 1), -1);
  assert.equal(columns.matchId('0800123456'), null, 'a prefix that is not E.164 is listed, never matched');
});

test('sparse ids are found by binary search', () => {
  const sparse: Zone[] = [1, 50_000, 1_000_000, 7_000_000].map((id, k) => ({
    id,
    prefix: `6${k}`,
    country: 'C',
    description: `D${k}`,
    source: 'default',
    active: true,
  }));
  const columns = new ZoneTable(sparse);
  assert.deepEqual(
    sparse.map((z) => columns.zone(columns.rowOf(z.id))),
    sparse,
  );
  assert.equal(columns.rowOf(2), -1);
  assert.equal(columns.matchId('621234567'), 1_000_000);
});

test('a worker matching on the shared arrays (ZoneIdMatcher) finds the same zone id as the table for every prefix and 50k random numbers, without a copy', async () => {
  const columns = new ZoneTable(table);
  const shared = columns.sharedMatch();
  assert.ok(shared.children.buffer instanceof SharedArrayBuffer && shared.ids.buffer instanceof SharedArrayBuffer);
  assert.equal(columns.sharedMatch(), shared, 'built once per table');
  const numbers: string[] = ['', '64a2345678', '6421x', '0064211234567', '+6421999123'];
  for (const z of table) numbers.push(z.prefix, z.prefix + '1234567', z.prefix.slice(0, -1));
  let seed = 7;
  for (let k = 0; k < 50_000; k++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    numbers.push(String(seed).padStart(10, '0') + String(k % 89));
  }
  const want = numbers.map((n) => columns.matchId(n));
  // In this thread and in a real worker thread given the arrays in workerData (shared, not cloned).
  assert.deepEqual(
    numbers.map((n) => new ZoneIdMatcher(shared).matchId(n)),
    want,
  );
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    const { children, rowValue, ids } = workerData;
    parentPort.postMessage({ shared: children.buffer instanceof SharedArrayBuffer, rows: rowValue.length, ids: ids.length });`;
  const seen = await new Promise<unknown>((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: shared });
    w.once('message', (m) => void w.terminate().then(() => resolve(m)));
    w.once('error', reject);
  });
  assert.deepEqual(seen, { shared: true, rows: shared.rowValue.length, ids: table.length });
});
