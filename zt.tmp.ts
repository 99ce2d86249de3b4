import { loadDefaultZones, assignZoneIds, ZoneMatcher, normaliseNumber, regionsOf, listCountries } from './src/zones/index.js';
const c0 = process.cpuUsage(); let t0 = performance.now(); const defs = loadDefaultZones(); const c = process.cpuUsage(c0);
console.log('load wall', (performance.now() - t0).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0));
t0 = performance.now(); const zones = assignZoneIds([], defs, { source: 'default', mode: 'replace' }); console.log('assign', (performance.now() - t0).toFixed(0), zones.length);
t0 = performance.now(); const m = new ZoneMatcher(zones); console.log('matcher', (performance.now() - t0).toFixed(0));
const cases: [string, string?][] = [['+61412345678'], ['+12125551234'], ['+14165551234'], ['0064 3 412 3456'], ['03 412 3456', 'NZ'], ['1001', 'NZ'], ['sip:+6434123456@example.com'], ['tel:+64-3-412-3456;ext=1'], ['12125551234', 'US'], ['2125551234', 'US'], ['011 64 3 412 3456', 'US'], ['0011 64 3 412 3456', 'AU'], ['(02) 9876 5432', 'AU'], ['anonymous'], ['+441534123456'], ['+447781123456'], ['+12685551234'], ['12125551234'], ['021 123 4567', 'NZ'], ['+8821612345']];
for (const [raw, cc] of cases) { const d = normaliseNumber(raw, cc); const z = m.match(d); console.log(JSON.stringify(raw), cc ?? '', d, z && `${z.id} ${z.country} / ${z.description} (${z.prefix})`); }
const nums: string[] = []; for (let i = 0; i < 1e5; i++) nums.push(String(Math.floor(Math.random() * 9e10) + 1e10));
for (let r = 0; r < 3; r++) { t0 = performance.now(); let hit = 0; for (let k = 0; k < 20; k++) for (const n of nums) if (m.match(n)) hit++; const dt = performance.now() - t0; console.log('match/s', (2e6 / dt * 1000).toFixed(0), hit); }
const raws = nums.map((n) => '+' + n);
for (let r = 0; r < 3; r++) { t0 = performance.now(); let hit = 0; for (let k = 0; k < 5; k++) for (const n of raws) if (normaliseNumber(n)) hit++; const dt = performance.now() - t0; console.log('normalise intl/s', (5e5 / dt * 1000).toFixed(0)); }
const nat = nums.map((n) => '0' + n.slice(2, 11));
t0 = performance.now(); for (const n of nat) normaliseNumber(n, 'NZ'); console.log('normalise national NZ/s', (1e5 / (performance.now() - t0) * 1000).toFixed(0));
console.log(listCountries(zones).length, JSON.stringify(regionsOf(zones, ['New Zealand'])['New Zealand']['New Zealand Balclutha']), Object.keys(regionsOf(zones, ['Australia']).Australia).length);
console.log(m.match('643412')?.id, zones.find(z => z.prefix === '643412'));
