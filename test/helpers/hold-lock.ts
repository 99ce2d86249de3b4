import type { Mutex } from '../../src/store/mutex.js';

/**
 * Takes `lock` and keeps it until the returned release is called (which resolves once the lock is
 * let go): stands for a long writer, so a test can look at what waits behind it.
 */
export async function holdLock(lock: Mutex): Promise<() => Promise<void>> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const taken = new Promise<void>((r) => (entered = r));
  const holder = lock.run(async () => {
    entered();
    await held;
  });
  await taken;
  return async () => {
    release();
    await holder;
  };
}
