import { loadDefaultZones, assignZoneIds, ZoneMatcher } from './src/zones/index.js';
const cpu = (f: () => unknown, label: string) => { const c0 = process.cpuUsage(); const t0 = performance.now(); const r = f(); const c = process.cpuUsage(c0); console.log(label, 'wall', (performance.now() - t0).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0)); return r; };
const defs = cpu(() => loadDefaultZones(), 'load') as ReturnType<typeof loadDefaultZones>;
const zones = cpu(() => assignZoneIds([], defs, { source: 'default', mode: 'replace' }), 'assign-empty') as ReturnType<typeof assignZoneIds>;
cpu(() => assignZoneIds(zones, defs, { source: 'default', mode: 'replace' }), 'assign-again');
cpu(() => new ZoneMatcher(zones), 'matcher');
