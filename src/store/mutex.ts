/**
 * A FIFO async mutex: callers run one at a time, in arrival order. Each store serialises its writers
 * with one (a duplicate check and the insert after it must not interleave).
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
