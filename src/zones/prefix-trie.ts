/** No node, or no value at a node. */
export const NONE = -1;

/**
 * A digit trie over E.164 prefixes holding one integer per prefix, in flat typed arrays. Only
 * nodes with children get a row of 10 child slots (most nodes of a zone table are leaves: a
 * leaf costs 8 bytes instead of 44), and `seal` trims the arrays to their final size, so the
 * 294k default zones take ~9 MiB instead of the ~22 MiB a row per node with doubling took.
 * A match is one pass over the digits with no allocation and no hashing.
 */
export class PrefixTrie {
  /** Per node: index of its row of 10 child slots in `children`, or NONE for a leaf. */
  private rowOf: Int32Array = new Int32Array(1024).fill(NONE);
  /** Per node: its value, or NONE. */
  private valueAt: Int32Array = new Int32Array(1024).fill(NONE);
  private children: Int32Array = new Int32Array(10 * 256).fill(NONE);
  private nodes = 1; // node 0 is the root, the empty prefix
  private rows = 0;

  /** The value at `prefix` (digits only, checked by the caller), or NONE. */
  get(prefix: string): number {
    let node = 0;
    for (let k = 0; k < prefix.length && node !== NONE; k++) {
      const row = this.rowOf[node];
      node = row === NONE ? NONE : this.children[row * 10 + prefix.charCodeAt(k) - 48];
    }
    return node === NONE ? NONE : this.valueAt[node];
  }

  /** Sets the value at `prefix` (digits only, checked by the caller). */
  set(prefix: string, value: number): void {
    let node = 0;
    for (let k = 0; k < prefix.length; k++) {
      let row = this.rowOf[node];
      if (row === NONE) {
        row = this.rows++;
        if (this.rows * 10 > this.children.length) this.children = grown(this.children, this.children.length * 2);
        this.rowOf[node] = row;
      }
      const slot = row * 10 + prefix.charCodeAt(k) - 48;
      let next = this.children[slot];
      if (next === NONE) {
        next = this.nodes++;
        if (this.nodes > this.rowOf.length) {
          this.rowOf = grown(this.rowOf, this.rowOf.length * 2);
          this.valueAt = grown(this.valueAt, this.valueAt.length * 2);
        }
        this.children[slot] = next;
      }
      node = next;
    }
    this.valueAt[node] = value;
  }

  /** Trims the arrays to what the prefixes use; `set` still works afterwards (it grows them again). */
  seal(): this {
    this.rowOf = this.rowOf.slice(0, this.nodes);
    this.valueAt = this.valueAt.slice(0, this.nodes);
    this.children = this.children.slice(0, Math.max(10, this.rows * 10));
    return this;
  }

  /** The value of the longest prefix of `digits` that has one; NONE also when a non-digit comes first. */
  longest(digits: string): number {
    const { rowOf, valueAt, children } = this;
    let node = 0;
    let found = NONE;
    for (let k = 0; k < digits.length; k++) {
      const d = digits.charCodeAt(k) - 48;
      if (d < 0 || d > 9) return NONE;
      const row = rowOf[node];
      if (row === NONE) break;
      node = children[row * 10 + d];
      if (node === NONE) break;
      if (valueAt[node] !== NONE) found = valueAt[node];
    }
    return found;
  }

  /** Bytes held by the arrays (for docs and tests). */
  get bytes(): number {
    return this.rowOf.byteLength + this.valueAt.byteLength + this.children.byteLength;
  }
}

function grown(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size).fill(NONE);
  b.set(a);
  return b;
}
