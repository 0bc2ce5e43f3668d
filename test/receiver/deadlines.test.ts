// The body deadlines every request in flight shares (one interval timer, an intrusive list), on a
// fake clock: an entry never expires before the timeout, always within 1.25x of it, and one that
// was removed (from the head, the middle or the tail) never expires.
import { afterEach, describe, expect, it, vi } from "vitest";
import { BodyDeadline, bodyDeadlines } from "../../src/receiver/body.js";

class Entry extends BodyDeadline {
  expiredAt: number | undefined;
  constructor(private readonly fail = false) {
    super();
  }
  expire(): void {
    this.expiredAt = performance.now();
    if (this.fail) throw new Error("the peer is gone");
  }
}

const TIMEOUT = 10_000;

describe("bodyDeadlines", () => {
  afterEach(() => vi.useRealTimers());

  it("expires an entry after the timeout and within 1.25x of it, wherever in the sweep period it was listed", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "performance"] });
    const deadlines = bodyDeadlines(TIMEOUT);
    const entries: { entry: Entry; listedAt: number }[] = [];
    // Listed at odd moments across two sweep periods (a sweep runs every TIMEOUT / 8).
    for (const step of [0, 1, 333, 1249, 1, 600, 700]) {
      vi.advanceTimersByTime(step);
      const entry = new Entry();
      deadlines.add(entry);
      entries.push({ entry, listedAt: performance.now() });
    }
    vi.advanceTimersByTime(2 * TIMEOUT);
    for (const { entry, listedAt } of entries) {
      expect(entry.expiredAt).toBeDefined();
      expect(entry.expiredAt! - listedAt).toBeGreaterThanOrEqual(TIMEOUT);
      expect(entry.expiredAt! - listedAt).toBeLessThanOrEqual(1.25 * TIMEOUT);
    }
  });

  it("never expires an entry removed from the head, the middle or the tail, and keeps the others in order", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "performance"] });
    const deadlines = bodyDeadlines(TIMEOUT);
    const entries = Array.from({ length: 6 }, () => new Entry());
    for (const entry of entries) deadlines.add(entry);
    vi.advanceTimersByTime(TIMEOUT / 2);
    for (const i of [0, 3, 5]) deadlines.delete(entries[i]!);
    deadlines.delete(entries[3]!); // twice: no effect
    const late = new Entry();
    deadlines.add(late);
    vi.advanceTimersByTime(TIMEOUT);
    expect(entries.map((entry) => entry.expiredAt !== undefined)).toEqual([false, true, true, false, true, false]);
    expect(late.expiredAt).toBeUndefined();
    vi.advanceTimersByTime(TIMEOUT);
    expect(late.expiredAt).toBeDefined();
  });

  it("goes on sweeping after an expiry throws, and stops its timer when nothing is listed", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "performance"] });
    const deadlines = bodyDeadlines(TIMEOUT);
    const [failing, next] = [new Entry(true), new Entry()];
    deadlines.add(failing);
    deadlines.add(next);
    vi.advanceTimersByTime(1.25 * TIMEOUT);
    expect([failing.expiredAt, next.expiredAt].every((at) => at !== undefined)).toBe(true);
    vi.advanceTimersByTime(TIMEOUT);
    expect(vi.getTimerCount()).toBe(0);
    // Listed again later: the timer starts again.
    const again = new Entry();
    deadlines.add(again);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1.25 * TIMEOUT);
    expect(again.expiredAt).toBeDefined();
  });

  it("bounds a tiny timeout too (the sweep runs at least every millisecond)", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "performance"] });
    const deadlines = bodyDeadlines(3);
    const entry = new Entry();
    deadlines.add(entry);
    const listedAt = performance.now();
    vi.advanceTimersByTime(10);
    expect(entry.expiredAt! - listedAt).toBeGreaterThanOrEqual(3);
    expect(entry.expiredAt! - listedAt).toBeLessThanOrEqual(5);
  });
});
