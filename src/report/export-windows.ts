import type { AndNode } from '../query/ast.js';
import { getDialect } from '../sql/dialects.js';
import { exportSlicesQuery } from '../sql/export-windows-sql.js';
import type { Store } from '../store/store.js';

/**
 * Most calls one export window holds: its sort and its lines stay ~20 MB whatever the export's size.
 * 100,000 left a ~110 MiB transient above the server's settled RSS during an export (docs/performance.md).
 */
export const EXPORT_WINDOW_ROWS = 50_000;
/** The slices counted to cut windows: a year's export is counted in ~2-hour slices. */
const SLICES = 4096;

/**
 * Contiguous [from, to] call_time windows covering [lo, hi], in order, each holding at most
 * `maxRows` of the matching calls (a slice that alone holds more is one window): an export runs one ordered query
 * per window, so no sort ever holds the whole result, and the windows' lines joined are the
 * single ordered query's lines byte for byte, since every call of one call_time lies in one window.
 */
export async function exportWindows(
  store: Store,
  account: string | undefined,
  filters: AndNode,
  lo: number,
  hi: number,
  maxRows = EXPORT_WINDOW_ROWS,
): Promise<[number, number][]> {
  const slot = Math.max(1, Math.ceil((hi - lo + 1) / SLICES));
  const slices = await store.all(exportSlicesQuery(account, filters, [lo, hi], slot, getDialect(store.dialect)));
  // Contiguous windows over the whole [lo, hi]: a call stored while the export runs is in it if its
  // window has not been read yet, as with one query it would be if it committed first.
  const windows: [number, number][] = [];
  let from = lo;
  let rows = 0;
  for (const s of slices) {
    const start = lo + Number(s.k) * slot;
    const n = Number(s.n);
    if (rows > 0 && rows + n > maxRows) {
      windows.push([from, start - 1]);
      from = start;
      rows = 0;
    }
    rows += n;
  }
  windows.push([from, hi]);
  return windows;
}
