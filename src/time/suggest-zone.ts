/** The IANA names closest to a name ICU does not know: a bare city, or a typo one or two edits away. */

let names: readonly string[] | undefined;

function zoneNames(): readonly string[] {
  names ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return names;
}

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
const city = (s: string) => s.slice(s.lastIndexOf('/') + 1);

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, row[j]);
    }
    if (best > limit) return limit + 1;
    prev = row;
  }
  return prev[b.length];
}

/**
 * Up to three IANA names for an unknown `name`: zones whose city is `name` ('Auckland',
 * 'new york'), else the names (or cities) at the smallest edit distance, at most 2 (1 for short
 * names), closest first. Empty when nothing is that close.
 */
export function suggestTimeZones(name: string): string[] {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 64) return [];
  const wanted = norm(name);
  const byCity = zoneNames().filter((z) => norm(city(z)) === wanted || norm(z) === wanted);
  if (byCity.length > 0) return byCity.slice(0, 3);
  const limit = wanted.length <= 5 ? 1 : 2;
  const scored: [number, string][] = [];
  for (const z of zoneNames()) {
    const d = Math.min(distance(wanted, norm(z), limit), wanted.includes('/') ? limit + 1 : distance(wanted, norm(city(z)), limit));
    if (d <= limit) scored.push([d, z]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  return scored.slice(0, 3).map(([, z]) => z);
}

/** ` (did you mean 'A' or 'B'?)`, or '' when there is nothing to suggest. */
export function didYouMean(name: string): string {
  const s = suggestTimeZones(name);
  if (s.length === 0) return '';
  const quoted = s.map((z) => `'${z}'`);
  return ` (did you mean ${quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : quoted[0]}?)`;
}
