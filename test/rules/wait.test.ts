// The one sleep and worker pool: a signal ends a sleep (resolving or rejecting, as asked), and the
// first failure of a lane stops every lane from taking more work.
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { runLanes, sleep } from "../../src/rules/wait.js";

describe("sleep", () => {
  it("resolves after its time, or at once when the signal aborts, as asked", async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    const stop = new AbortController();
    const resolving = sleep(60_000, stop.signal, "resolve");
    const rejecting = sleep(60_000, stop.signal);
    stop.abort(new Error("stop"));
    await expect(resolving).resolves.toBeUndefined();
    await expect(rejecting).rejects.toThrow("stop");
    await expect(sleep(60_000, stop.signal, "resolve")).resolves.toBeUndefined();
  });

  it("waits past setTimeout's limit (which Node runs after 1 ms) until the signal ends it, leaving no listener", async () => {
    const stop = new AbortController();
    let ended = false;
    const long = sleep(2 ** 31 + 5_000, stop.signal, "resolve").then(() => (ended = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ended).toBe(false);
    stop.abort();
    await long;
    const kept = new AbortController();
    await sleep(1, kept.signal);
    expect(getEventListeners(kept.signal, "abort")).toHaveLength(0);
  });
});

describe("runLanes", () => {
  it("keeps at most `lanes` steps in flight and runs until no lane takes more", async () => {
    let inFlight = 0;
    let most = 0;
    let left = 20;
    await runLanes(3, async () => {
      if (left === 0) return false;
      left -= 1;
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(1);
      inFlight -= 1;
      return true;
    });
    expect([left, most]).toEqual([0, 3]);
  });

  it("stops taking work after the first failure, and rejects with it once the steps in flight settle", async () => {
    let started = 0;
    let settled = 0;
    const run = runLanes(2, async () => {
      started += 1;
      if (started === 2) throw new Error("first");
      await sleep(5);
      settled += 1;
      return true;
    });
    await expect(run).rejects.toThrow("first");
    expect([started, settled]).toEqual([2, 1]);
  });
});
