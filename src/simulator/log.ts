/** An append-only log that keeps the newest `max` entries and counts the ones it let go. */
export class BoundedLog<T> {
  private entries: T[] = [];
  private trimmed = 0;
  /** Counts clear() calls, so that an iteration begun before one ends there. */
  private generation = 0;

  constructor(readonly max: number) {}

  push(entry: T): void {
    this.entries.push(entry);
    // Trim in batches so that a full log costs O(1) per push, not a shift of the whole array.
    if (this.entries.length > this.max + Math.ceil(this.max / 8)) {
      const excess = this.entries.length - this.max;
      this.entries.splice(0, excess);
      this.trimmed += excess;
    }
  }

  /** The newest `max` entries, oldest first, from `offset`: a copy. */
  list(offset = 0, limit = Number.POSITIVE_INFINITY): T[] {
    const start = Math.max(0, this.entries.length - this.max);
    return this.entries.slice(start + offset, limit === Number.POSITIVE_INFINITY ? undefined : start + offset + limit);
  }

  /** The newest entry, without copying anything. */
  get newest(): T | undefined {
    return this.size === 0 ? undefined : this.entries[this.entries.length - 1];
  }

  /**
   * Visits the kept entries newest first, in place (no copy, nothing allocated per entry), until
   * `visit` answers false. An entry pushed during the visit is not visited; the visit ends at the
   * entries let go meanwhile, and at clear().
   */
  visitNewestFirst(visit: (entry: T) => boolean | void): void {
    const generation = this.generation;
    // Positions count every entry ever pushed, so that a trim during the visit moves nothing under it.
    for (let position = this.trimmed + this.entries.length - 1; generation === this.generation && position >= this.dropped; position -= 1) {
      if (visit(this.entries[position - this.trimmed]!) === false) return;
    }
  }

  /** Entries let go to stay within the bound: also the position of the oldest entry kept. */
  get dropped(): number {
    return this.trimmed + Math.max(0, this.entries.length - this.max);
  }

  get size(): number {
    return Math.min(this.entries.length, this.max);
  }

  clear(): void {
    this.entries = [];
    this.trimmed = 0;
    this.generation += 1;
  }
}
