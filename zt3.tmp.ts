import { loadDefaultZones } from './src/zones/index.js';
const defs = loadDefaultZones();
const cpu = (f: () => unknown, label: string) => { const c0 = process.cpuUsage(); const r = f(); const c = process.cpuUsage(c0); console.log(label, 'cpu', ((c.user + c.system) / 1000).toFixed(0)); return r; };
for (let r = 0; r < 2; r++) {
cpu(() => defs.map((d) => `${d.prefix}\u0000${d.country}\u0000${d.description}`), 'keys');
const keyed = cpu(() => defs.map((def) => ({ key: `${def.prefix}\u0000${def.description}\u0000${def.country}`, def })), 'sortkeys') as { key: string }[];
cpu(() => keyed.slice().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), 'sort-cmp');
const strs = keyed.map((k, i) => k.key + '\u0000' + i);
cpu(() => strs.slice().sort(), 'sort-default');
cpu(() => defs.slice().sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0)), 'sort-prefix');
cpu(() => { const m = new Map(); for (const d of defs) m.set(`${d.prefix}\u0000${d.country}\u0000${d.description}`, d); return m; }, 'map');
}
