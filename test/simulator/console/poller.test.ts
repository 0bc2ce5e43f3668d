// The console's polling: one round at a time, asleep while nobody watches, longer waits after
// rounds the simulator did not answer, up to a cap.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffMs, createPoller } from "../../../src/simulator/console/page/poller.js";

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe("backoffMs", () => {
  it.each([
    [0, 1_000],
    [1, 2_000],
    [2, 4_000],
    [4, 16_000],
    [5, 30_000],
    [1_000, 30_000],
  ])("after %i failed rounds waits %i ms", (failures, wait) => {
    expect(backoffMs(failures, 1_000, 30_000)).toBe(wait);
  });
});

describe("createPoller", () => {
  it("polls at the interval while watched, and sleeps (no timer left) while not, until woken", async () => {
    let watched = true;
    const round = vi.fn(async () => {});
    const sleeping = vi.fn();
    const poller = createPoller({ round, watched: () => watched, intervalMs: 1_000, maxDelayMs: 30_000, sleeping });
    poller.wake();
    await vi.advanceTimersByTimeAsync(3_500);
    expect(round).toHaveBeenCalledTimes(4);
    watched = false;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(round).toHaveBeenCalledTimes(4);
    expect(sleeping).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    watched = true;
    poller.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(round).toHaveBeenCalledTimes(5);
  });

  it("runs one round at a time: a wake during a slow round starts no second one", async () => {
    let finish: () => void = () => {};
    let inFlight = 0;
    let most = 0;
    const round = vi.fn(() => {
      most = Math.max(most, ++inFlight);
      return new Promise<void>((resolve) => (finish = () => (inFlight -= 1, resolve())));
    });
    const poller = createPoller({ round, watched: () => true, intervalMs: 1_000, maxDelayMs: 30_000 });
    poller.wake();
    for (let i = 0; i < 5; i += 1) poller.wake();
    await vi.advanceTimersByTimeAsync(20_000);
    expect([round.mock.calls.length, most]).toEqual([1, 1]);
    finish();
    await vi.advanceTimersByTimeAsync(999);
    expect(round).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(round).toHaveBeenCalledTimes(2);
  });

  it("waits longer after each round the simulator did not answer, up to the cap, and the interval again after one it did", async () => {
    let down = true;
    const started: number[] = [];
    const failed = vi.fn();
    const poller = createPoller({
      round: async () => {
        started.push(Date.now());
        if (down) throw new Error("no answer");
      },
      watched: () => true,
      intervalMs: 1_000,
      maxDelayMs: 8_000,
      failed,
    });
    const from = Date.now();
    poller.wake();
    await vi.advanceTimersByTimeAsync(2_000 + 4_000 + 8_000 + 8_000);
    expect(started.map((time) => time - from)).toEqual([0, 2_000, 6_000, 14_000, 22_000]);
    expect(failed.mock.calls.map(([delay]) => delay)).toEqual([2_000, 4_000, 8_000, 8_000, 8_000]);
    down = false;
    await vi.advanceTimersByTimeAsync(8_000 + 3_000);
    expect(started.map((time) => time - from).slice(5)).toEqual([30_000, 31_000, 32_000, 33_000]);
  });
});
