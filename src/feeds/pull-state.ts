import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Where one account's backfill stands: whole windows done, and the page to resume in the current window. */
export interface AccountCursor {
  /** Merged [from, to) ranges of gregorian seconds whose every page is stored. */
  done: [number, number][];
  /** The window being paged and the `start_key` of its next page. */
  current?: { from: number; to: number; startKey: string };
}

export interface PullState {
  version: 1;
  /** Cursors by Kazoo base URL, then account id. */
  kazoo: Record<string, Record<string, AccountCursor>>;
}

/** Reads the state file; a missing file is an empty state. */
export function readPullState(path: string): PullState {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as PullState;
    if (parsed.version === 1 && typeof parsed.kazoo === 'object') return parsed;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`pull state ${path} is unreadable: ${(err as Error).message}`);
  }
  return { version: 1, kazoo: {} };
}

/** Writes the state whole or not at all (write beside, then rename), so a kill never leaves half a file. */
export function writePullState(path: string, state: PullState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}

/** True when [from, to) lies inside one done range. */
export function isDone(c: AccountCursor, from: number, to: number): boolean {
  return c.done.some(([a, b]) => a <= from && to <= b);
}

/** Adds [from, to) to the done ranges, merging touching ones. */
export function markDone(c: AccountCursor, from: number, to: number): void {
  const all = [...c.done, [from, to] as [number, number]].sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of all) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  c.done = merged;
  c.current = undefined;
}
