/** Collects the bound parameters of one query, in placeholder order. */
export class ParamCollector {
  readonly #values: unknown[] = [];

  /** Appends a value and returns its 1-based position (the `n` of `$n`). */
  add(value: unknown): number {
    this.#values.push(value);
    return this.#values.length;
  }

  /** The values collected so far. */
  get values(): readonly unknown[] {
    return this.#values;
  }
}
