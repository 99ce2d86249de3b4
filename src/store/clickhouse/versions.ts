/**
 * Version numbers for rows of the small tables (zones, keys, tokens): the row with the highest version
 * of an id is the current one. Microseconds since 1970, strictly increasing within a process.
 */
let last = 0;

export function nextVersion(): number {
  last = Math.max(Date.now() * 1000, last + 1);
  return last;
}
