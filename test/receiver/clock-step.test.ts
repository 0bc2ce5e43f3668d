// The memory dedupe store's leases and records run on the monotonic clock: a wall clock stepped
// forward (NTP correcting a slow clock, an operator) expired every lease at once, so an event still
// being handled was claimed again and handled twice; stepped back, a dead claim held for the step.
import { afterEach, expect, it, vi } from "vitest";
import { memoryDedupeStore } from "../../src/index.js";

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

it("a lease outlives a wall-clock step forward, and ends when its time has passed", () => {
  vi.useFakeTimers({ toFake: ["performance"] });
  const store = memoryDedupeStore();
  expect(store.claim("ev-1", { leaseMs: 30_000, ttlMs: 60_000 }).state).toBe("claimed");
  const real = Date.now.bind(Date);
  vi.spyOn(Date, "now").mockImplementation(() => real() + 2 * 60 * 60_000);
  expect(store.claim("ev-1", { leaseMs: 30_000, ttlMs: 60_000 })).toEqual({ state: "in-progress", expiresInMs: 30_000 });
  vi.advanceTimersByTime(30_001);
  expect(store.claim("ev-1", { leaseMs: 30_000, ttlMs: 60_000 }).state).toBe("claimed");
});

it("a wall-clock step back neither stretches a lease nor a completed record", () => {
  vi.useFakeTimers({ toFake: ["performance"] });
  const store = memoryDedupeStore();
  const claim = store.claim("ev-2", { leaseMs: 1_000, ttlMs: 60_000 });
  const real = Date.now.bind(Date);
  vi.spyOn(Date, "now").mockImplementation(() => real() - 60 * 60_000);
  vi.advanceTimersByTime(1_001);
  expect(store.claim("ev-2", { leaseMs: 1_000, ttlMs: 60_000 }).state).toBe("claimed");
  expect(claim.state).toBe("claimed");
});
