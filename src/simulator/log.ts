/** An append-only log that keeps the newest `max` entries and counts the ones it let go. */
export class BoundedLog<T> {
  private entries: T[] = [];
  private trimmed = 0;

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

  /** The newest `max` entries, oldest first, from `offset`. */
  list(offset = 0, limit = Number.POSITIVE_INFINITY): T[] {
    const start = Math.max(0, this.entries.length - this.max);
    return this.entries.slice(start + offset, limit === Number.POSITIVE_INFINITY ? undefined : start + offset + limit);
  }

  /** Entries let go to stay within the bound. */
  get dropped(): number {
    return this.trimmed + Math.max(0, this.entries.length - this.max);
  }

  get size(): number {
    return Math.min(this.entries.length, this.max);
  }

  clear(): void {
    this.entries = [];
    this.trimmed = 0;
  }
}
