/**
 * A tiny reader for libphonenumber's number patterns (digits, `\d`, `[...]`, `(?:...)`, `|`, `?`, `{n,m}`),
 * so that a zone prefix — an incomplete number — can be tested against a country's patterns.
 * JavaScript regexps cannot answer "could this string be the start of a match?", so we build a second
 * regexp whose language is exactly the set of prefixes of the original's language.
 */

type Node =
  | { readonly kind: 'chars'; readonly re: string }
  | { readonly kind: 'seq'; readonly items: readonly Node[] }
  | { readonly kind: 'alt'; readonly options: readonly Node[] }
  | { readonly kind: 'rep'; readonly node: Node; readonly min: number; readonly max: number };

function parsePattern(src: string): Node {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`unsupported number pattern at ${i} (${why}): ${src}`);
  };
  const alt = (): Node => {
    const options = [seq()];
    while (src[i] === '|') {
      i++;
      options.push(seq());
    }
    return options.length === 1 ? options[0] : { kind: 'alt', options };
  };
  const seq = (): Node => {
    const items: Node[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') items.push(quantified(atom()));
    return items.length === 1 ? items[0] : { kind: 'seq', items };
  };
  const atom = (): Node => {
    const ch = src[i];
    if (ch === '(') {
      if (src.slice(i, i + 3) !== '(?:') fail('capturing group');
      i += 3;
      const inner = alt();
      if (src[i++] !== ')') fail('unclosed group');
      return inner;
    }
    if (ch === '[') {
      const end = src.indexOf(']', i);
      if (end < 0) fail('unclosed class');
      const re = src.slice(i, end + 1);
      i = end + 1;
      return { kind: 'chars', re };
    }
    if (src.startsWith('\\d', i)) {
      i += 2;
      return { kind: 'chars', re: '\\d' };
    }
    if (ch >= '0' && ch <= '9') {
      i++;
      return { kind: 'chars', re: ch };
    }
    return fail(`unexpected '${ch}'`);
  };
  const quantified = (node: Node): Node => {
    const ch = src[i];
    if (ch === '?') return (i++, { kind: 'rep', node, min: 0, max: 1 });
    if (ch === '*') return (i++, { kind: 'rep', node, min: 0, max: Infinity });
    if (ch === '+') return (i++, { kind: 'rep', node, min: 1, max: Infinity });
    if (ch !== '{') return node;
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
    if (!m) return fail('bad quantifier');
    i += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    return { kind: 'rep', node, min, max };
  };
  const node = alt();
  if (i !== src.length) fail('trailing text');
  return node;
}

function full(node: Node): string {
  switch (node.kind) {
    case 'chars':
      return node.re;
    case 'seq':
      return node.items.map((n) => (n.kind === 'alt' ? `(?:${full(n)})` : full(n))).join('');
    case 'alt':
      return node.options.map(full).join('|');
    case 'rep':
      return `(?:${full(node.node)}){${node.min},${node.max === Infinity ? '' : node.max}}`;
  }
}

/** Regexp source matching every prefix (including the empty one) of the strings `node` matches. */
function partial(node: Node): string {
  switch (node.kind) {
    case 'chars':
      return `${node.re}?`;
    case 'alt':
      return `(?:${node.options.map(partial).join('|')})`;
    case 'seq': {
      if (node.items.length === 0) return '';
      // prefix(a b c) = prefix(a) | a prefix(b c): each item appears twice, so the size stays linear.
      let rest = partial(node.items[node.items.length - 1]);
      for (let k = node.items.length - 2; k >= 0; k--) {
        const item = node.items[k];
        rest = `(?:${partial(item)}|(?:${full(item)})${rest})`;
      }
      return rest;
    }
    case 'rep': {
      if (node.max === 0) return '';
      // prefix(x{n,m}) = x{0,m-1} prefix(x): the minimum does not matter for a prefix.
      const times = node.max === Infinity ? '*' : `{0,${node.max - 1}}`;
      return `(?:${full(node.node)})${times}${partial(node.node)}`;
    }
  }
}

/** A test telling whether `digits` could be the beginning of a string matching one of `patterns`. */
export function prefixTester(patterns: readonly string[]): RegExp {
  const parts = patterns.map((p) => partial(parsePattern(p)));
  return new RegExp(`^(?:${parts.join('|')})$`);
}

/** The finite set of strings a pattern matches, or undefined when it is infinite or larger than `limit`. */
export function enumeratePattern(src: string, limit = 64): string[] | undefined {
  const expand = (node: Node): string[] | undefined => {
    switch (node.kind) {
      case 'chars': {
        const re = new RegExp(`^${node.re}$`);
        return '0123456789'.split('').filter((d) => re.test(d));
      }
      case 'alt': {
        const out: string[] = [];
        for (const o of node.options) {
          const e = expand(o);
          if (!e || out.push(...e) > limit) return undefined;
        }
        return out;
      }
      case 'seq': {
        let out = [''];
        for (const item of node.items) {
          const e = expand(item);
          if (!e || out.length * e.length > limit) return undefined;
          out = out.flatMap((a) => e.map((b) => a + b));
        }
        return out;
      }
      case 'rep': {
        if (node.max === Infinity) return undefined;
        return expand({ kind: 'alt', options: range(node.min, node.max).map((k) => ({ kind: 'seq', items: Array(k).fill(node.node) })) });
      }
    }
  };
  const all = expand(parsePattern(src));
  return all && [...new Set(all)];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}
