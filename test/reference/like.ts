/**
 * The LIKE rule of docs/filters.md in TypeScript, for the in-memory reference and for tests:
 * `%` any run of code points, `_` exactly one code point, `\` escapes `%`, `_` and `\`.
 */

/** Lower-cases per code point with the simple mapping, as DuckDB `lower` does (`İ` → `i`, no final-sigma rule). */
export function lowerSimple(text: string): string {
  let out = '';
  for (const ch of text) out += String.fromCodePoint(ch.toLowerCase().codePointAt(0)!);
  return out;
}

/** Builds a predicate that tells whether a text matches a (validated) LIKE pattern. */
export function likeMatcher(pattern: string, caseInsensitive: boolean): (text: string) => boolean {
  const source = caseInsensitive ? lowerSimple(pattern) : pattern;
  let re = '';
  const chars = [...source];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '\\' && i + 1 < chars.length) re += escapeRegExp(chars[++i]);
    else if (ch === '%') re += '[^]*';
    else if (ch === '_') re += '[^]';
    else re += escapeRegExp(ch);
  }
  const regexp = new RegExp(`^${re}$`, 'u');
  return (text) => regexp.test(caseInsensitive ? lowerSimple(text) : text);
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}
