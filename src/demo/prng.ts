/**
 * xoshiro128** — a small, fast, seedable PRNG, so synthetic data is identical for a seed on every
 * machine and Node version (Math.random is neither seedable nor specified).
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads any seed (0, 1, 2 …) over the whole 128-bit state; an all-zero state would stick.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal deviate (Box–Muller; the second deviate is dropped — simpler, and fast enough). */
  normal(): number {
    const u = 1 - this.float(); // (0, 1]: log(0) would be -Infinity
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** `n` random digits as a string (leading zeros kept). */
  digits(n: number): string {
    let s = '';
    for (; n >= 4; n -= 4) s += DIGITS4[this.int(10000)];
    return n > 0 ? s + DIGITS4[this.int(10 ** n)].slice(4 - n) : s;
  }

  /** Eight lower-case hex digits. */
  hex8(): string {
    return hex8(this.u32());
  }
}

// Number#toString(16).padStart was a third of generation time; a byte table is ~5x faster.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

// Random digits four at a time from a table: String(n) of numbers beyond V8's small-integer range
// (2^30) takes the slow double-to-string path, which was the largest cost of generating a CDR.
const DIGITS4 = Array.from({ length: 10000 }, (_, i) => String(i).padStart(4, '0'));

/** Decimal string of a non-negative integer below 2^53, via two small integers (see DIGITS4). */
export function decimal(x: number): string {
  if (x < 1e9) return String(x);
  const high = Math.floor(x / 1e8);
  const low = x - high * 1e8;
  return String(high) + DIGITS4[Math.floor(low / 1e4)] + DIGITS4[low % 1e4];
}

/** Eight lower-case hex digits of an unsigned 32-bit integer. */
export function hex8(x: number): string {
  return HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
}

/** Four lower-case hex digits of the low 16 bits. */
export function hex4(x: number): string {
  return HEX[(x >>> 8) & 255] + HEX[x & 255];
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
