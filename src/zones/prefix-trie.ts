/** No value (or no node). */
export const NONE = -1;

/** A sealed trie's two arrays: what another thread needs to match with it (PrefixTrie.fromArrays). */
export interface TrieArrays {
  children: Int32Array;
  rowValue: Int32Array;
}

/**
 * A digit trie over E.164 prefixes holding one value (≥ 0) per prefix, in flat typed arrays.
 * Only inner nodes get a row of 10 child slots; a slot holds 0 (empty: row 0 is the root, never a
 * child), a child row (> 0), or a leaf's value inline as `-(value + 1)` (< 0). So a leaf costs no
 * row at all, a step is one array read as before, and `seal` trims the arrays to size: the 294k
 * default zones take ~8 MiB instead of the ~22 MiB a row per node with doubling took.
 */
export class PrefixTrie {
  private children: Int32Array = new Int32Array(10 * 256);
  /** Per row: the value of the inner node it is, or NONE. */
  private rowValue: Int32Array = new Int32Array(256).fill(NONE);
  private rows = 1;

  /** The value at `prefix` (1+ digits, checked by the caller), or NONE. */
  get(prefix: string): number {
    let row = 0;
    for (let k = 0; k < prefix.length; k++) {
      const c = this.children[row * 10 + prefix.charCodeAt(k) - 48];
      if (k === prefix.length - 1) return c > 0 ? this.rowValue[c] : c < 0 ? -c - 1 : NONE;
      if (c <= 0) return NONE;
      row = c;
    }
    return NONE;
  }

  /** Sets the value (≥ 0) at `prefix` (1+ digits, checked by the caller). */
  set(prefix: string, value: number): void {
    if (!(value >= 0) || prefix.length === 0) throw new RangeError(`PrefixTrie.set('${prefix}', ${value})`);
    let row = 0;
    for (let k = 0; k < prefix.length; k++) {
      const slot = row * 10 + prefix.charCodeAt(k) - 48;
      const c = this.children[slot];
      if (k === prefix.length - 1) {
        if (c > 0) this.rowValue[c] = value;
        else this.children[slot] = -(value + 1);
        return;
      }
      if (c > 0) {
        row = c;
        continue;
      }
      // An empty slot or a leaf becomes an inner node (a leaf keeps its value on its new row).
      const next = this.newRow();
      if (c < 0) this.rowValue[next] = -c - 1;
      this.children[slot] = next;
      row = next;
    }
  }

  /** Trims the arrays to what the prefixes use; `set` still works afterwards (it grows them again). */
  seal(): this {
    this.children = this.children.slice(0, this.rows * 10);
    this.rowValue = this.rowValue.slice(0, this.rows);
    return this;
  }

  /** The value of the longest prefix of `digits` that has one; NONE also when a non-digit comes first. */
  longest(digits: string): number {
    const { children, rowValue } = this;
    let row = 0;
    let found = NONE;
    for (let k = 0; k < digits.length; k++) {
      const d = digits.charCodeAt(k) - 48;
      if (d < 0 || d > 9) return NONE;
      const c = children[row * 10 + d];
      if (c > 0) {
        if (rowValue[c] !== NONE) found = rowValue[c];
        row = c;
        continue;
      }
      if (c < 0) {
        found = -c - 1;
        // :TRICKY: as a walk node by node would: the digit after a leaf is still read (and a
        // non-digit there means no zone) before the walk stops.
        if (k + 1 < digits.length) {
          const e = digits.charCodeAt(k + 1) - 48;
          if (e < 0 || e > 9) return NONE;
        }
      }
      break;
    }
    return found;
  }

  /** The arrays as they are (call after `seal`); a trie made from them must only be read. */
  arrays(): TrieArrays {
    return { children: this.children, rowValue: this.rowValue };
  }

  /**
   * A trie over arrays another trie built (`arrays()`), e.g. on a SharedArrayBuffer sent to a
   * worker: no copy, so every thread matches with the one table. Only for reading.
   */
  static fromArrays(a: TrieArrays): PrefixTrie {
    const t = new PrefixTrie();
    t.children = a.children;
    t.rowValue = a.rowValue;
    t.rows = a.rowValue.length;
    return t;
  }

  /** Bytes held by the arrays (for docs and tests). */
  get bytes(): number {
    return this.children.byteLength + this.rowValue.byteLength;
  }

  private newRow(): number {
    const row = this.rows++;
    if (this.rows > this.rowValue.length) {
      const size = this.rowValue.length * 2;
      const children = new Int32Array(size * 10);
      children.set(this.children);
      this.children = children;
      const values = new Int32Array(size).fill(NONE);
      values.set(this.rowValue);
      this.rowValue = values;
    }
    return row;
  }
}
