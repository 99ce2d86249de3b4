import type { Zone } from '../core/zone.js';
import { beats, isPrefix, type SharedZoneMatch } from './matcher.js';
import { NONE, PrefixTrie } from './prefix-trie.js';

const ACTIVE = 1;
const CUSTOM = 2;

/**
 * The zone table held as columns, one row per zone in id order: typed arrays for ids, prefixes
 * (as numbers: 1 to 15 digits without a leading 0 are exact in a double) and flags, with country
 * and description names interned. A `Zone` object is made only when one is asked for. 294k
 * default zones take ~7 MiB here where an object per zone, its prefix string and an id map took
 * ~17 MiB of V8 heap (docs/performance.md, "Zone table memory").
 */
export class ZoneTable {
  readonly size: number;
  private readonly ids: Int32Array;
  private readonly prefixes: Float64Array;
  /** Prefixes a double cannot hold exactly (not E.164 digits: never matched, kept for listing). */
  private readonly oddPrefixes = new Map<number, string>();
  private readonly countryOf: Uint16Array | Uint32Array;
  private readonly descriptionOf: Uint32Array;
  private readonly flags: Uint8Array;
  private readonly names: string[] = [];
  /** Row of each id when ids are dense enough for a direct index; else a binary search on `ids`. */
  private readonly rowById: Int32Array | undefined;
  private readonly trie = new PrefixTrie();
  private shared: SharedZoneMatch | undefined;

  constructor(zones: readonly Zone[]) {
    const sorted = isSortedById(zones) ? zones : [...zones].sort((a, b) => a.id - b.id);
    const n = (this.size = sorted.length);
    this.ids = new Int32Array(n);
    this.prefixes = new Float64Array(n);
    this.flags = new Uint8Array(n);
    this.descriptionOf = new Uint32Array(n);
    const nameIndex = new Map<string, number>();
    const intern = (s: string): number => {
      let k = nameIndex.get(s);
      if (k === undefined) nameIndex.set(s, (k = this.names.push(s) - 1));
      return k;
    };
    const countries = new Uint32Array(n);
    for (let row = 0; row < n; row++) {
      const z = sorted[row];
      this.ids[row] = z.id;
      if (isPrefix(z.prefix)) this.prefixes[row] = Number(z.prefix);
      else this.oddPrefixes.set(row, z.prefix);
      countries[row] = intern(z.country);
      this.descriptionOf[row] = intern(z.description);
      this.flags[row] = (z.active ? ACTIVE : 0) | (z.source === 'custom' ? CUSTOM : 0);
    }
    this.countryOf = this.names.length <= 0xffff ? Uint16Array.from(countries) : countries;
    const maxId = n === 0 ? 0 : this.ids[n - 1];
    if (n > 0 && this.ids[0] >= 0 && maxId <= 2 * n + 1024) {
      this.rowById = new Int32Array(maxId + 1).fill(NONE);
      for (let row = 0; row < n; row++) this.rowById[this.ids[row]] = row;
    }
    this.buildTrie();
  }

  /** The row of zone `id`, or NONE. */
  rowOf(id: number): number {
    if (this.rowById) return id >= 0 && id < this.rowById.length ? this.rowById[id] : NONE;
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.ids[mid];
      if (at === id) return mid;
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return NONE;
  }

  id(row: number): number {
    return this.ids[row];
  }

  active(row: number): boolean {
    return (this.flags[row] & ACTIVE) !== 0;
  }

  country(row: number): string {
    return this.names[this.countryOf[row]];
  }

  /** The zone at `row` as a fresh object. */
  zone(row: number): Zone {
    const f = this.flags[row];
    return {
      id: this.ids[row],
      prefix: this.prefix(row),
      country: this.names[this.countryOf[row]],
      description: this.names[this.descriptionOf[row]],
      source: f & CUSTOM ? 'custom' : 'default',
      active: (f & ACTIVE) !== 0,
    };
  }

  /** Every zone as fresh objects, in id order (costs what the objects cost; for rare callers). */
  all(): Zone[] {
    const out = new Array<Zone>(this.size);
    for (let row = 0; row < this.size; row++) out[row] = this.zone(row);
    return out;
  }

  *rows(): Generator<Zone> {
    for (let row = 0; row < this.size; row++) yield this.zone(row);
  }

  /** The id of the active zone with the longest prefix of `e164Digits`, or null (also for non-digits). */
  matchId(e164Digits: string | null | undefined): number | null {
    if (!e164Digits) return null;
    const row = this.trie.longest(e164Digits);
    return row === NONE ? null : this.ids[row];
  }

  /**
   * The matcher's arrays copied once onto SharedArrayBuffers (~9 MiB for the default table), for
   * worker threads: they match with ZoneIdMatcher exactly as matchId does, without a copy each.
   */
  sharedMatch(): SharedZoneMatch {
    if (this.shared) return this.shared;
    const share = (a: Int32Array): Int32Array => {
      const out = new Int32Array(new SharedArrayBuffer(a.byteLength));
      out.set(a);
      return out;
    };
    const { children, rowValue } = this.trie.arrays();
    return (this.shared = { children: share(children), rowValue: share(rowValue), ids: share(this.ids) });
  }

  private prefix(row: number): string {
    return this.oddPrefixes.get(row) ?? String(this.prefixes[row]);
  }

  /** The same rule as ZoneMatcher: active zones with E.164 prefixes; on equal prefixes `beats` decides. */
  private buildTrie(): void {
    const key = (row: number) => ({ id: this.ids[row], source: this.flags[row] & CUSTOM ? ('custom' as const) : ('default' as const) });
    for (let row = 0; row < this.size; row++) {
      if (!this.active(row) || this.oddPrefixes.has(row)) continue;
      const prefix = String(this.prefixes[row]);
      const held = this.trie.get(prefix);
      if (held === NONE || beats(key(row), key(held))) this.trie.set(prefix, row);
    }
    this.trie.seal();
  }
}

function isSortedById(zones: readonly Zone[]): boolean {
  for (let k = 1; k < zones.length; k++) if (zones[k - 1].id > zones[k].id) return false;
  return true;
}
