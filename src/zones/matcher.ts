import type { Zone } from '../core/zone.js';
import { normaliseNumber } from './normalise.js';
import { NONE, PrefixTrie, type TrieArrays } from './prefix-trie.js';

/**
 * The zone table's matcher as plain typed arrays (ZoneTable.sharedMatch): its trie, whose values
 * are rows, and each row's zone id. On SharedArrayBuffers, so a worker given it in `workerData`
 * reads the main thread's one copy instead of a clone of ~300k `Zone` objects.
 */
export interface SharedZoneMatch extends TrieArrays {
  ids: Int32Array;
}

/** Zone ids by longest prefix from a SharedZoneMatch: the same trie ZoneService.zoneOf walks. */
export class ZoneIdMatcher {
  private readonly trie: PrefixTrie;
  private readonly ids: Int32Array;

  constructor(shared: SharedZoneMatch) {
    this.trie = PrefixTrie.fromArrays(shared);
    this.ids = shared.ids;
  }

  /** The id of the active zone with the longest prefix of `e164Digits`, or null (also for non-digits). */
  matchId(e164Digits: string | null | undefined): number | null {
    if (!e164Digits) return null;
    const row = this.trie.longest(e164Digits);
    return row === NONE ? null : this.ids[row];
  }

  /** Zone id of a raw caller/callee number (normalised per SPEC 5), or null when it has none. */
  zoneIdOf(raw: string | null | undefined, defaultCountry?: string): number | null {
    return this.matchId(normaliseNumber(raw, defaultCountry));
  }
}

/**
 * Longest-prefix matching of E.164 digits against the active zones (a PrefixTrie from each
 * prefix to its winning zone): one pass over the digits with no allocation and no hashing — a
 * Map probed per prefix length managed well under 1M/s with 300k zones, the trie several million.
 */
export class ZoneMatcher {
  private readonly trie = new PrefixTrie();
  private readonly zones: Zone[] = [];

  constructor(zones: readonly Zone[]) {
    for (const zone of zones) {
      if (!zone.active || !isPrefix(zone.prefix)) continue;
      const held = this.trie.get(zone.prefix);
      if (held === NONE || beats(zone, this.zones[held])) {
        this.trie.set(zone.prefix, this.zones.length);
        this.zones.push(zone);
      }
    }
    this.trie.seal();
  }

  /** The active zone with the longest prefix of `e164Digits`, or undefined (also for non-digits). */
  match(e164Digits: string | null | undefined): Zone | undefined {
    if (!e164Digits) return undefined;
    const found = this.trie.longest(e164Digits);
    return found === NONE ? undefined : this.zones[found];
  }

  /** Zone id of a raw caller/callee number (normalised per SPEC 5), or null when it has none. */
  zoneIdOf(raw: string | null | undefined, defaultCountry?: string): number | null {
    return this.match(normaliseNumber(raw, defaultCountry))?.id ?? null;
  }
}

/** Only an active zone whose prefix is 1 to 15 digits not starting with 0 can match a number. */
export function isPrefix(prefix: string): boolean {
  return /^[1-9]\d{0,14}$/.test(prefix);
}

/**
 * On an equal prefix a custom zone beats a default one (the operator's rate deck is the truth);
 * between zones of the same source the newer one (higher id) wins, e.g. after an `extend` import
 * redefined a prefix.
 */
export function beats(a: Pick<Zone, 'source' | 'id'>, b: Pick<Zone, 'source' | 'id'>): boolean {
  if (a.source !== b.source) return a.source === 'custom';
  return a.id > b.id;
}
