// Runs one action per item with a concurrency limit and an optional rate limit. Once `signal`
// aborts (Ctrl-C), no new item starts; the ones in flight run to their end.
import { monotonicNow } from "../clock.js";
import { runLanes, sleep } from "../rules/wait.js";

export interface BulkOptions<T> {
  items: readonly T[];
  concurrency: number;
  /** Starts per second at most; undefined for no limit. */
  ratePerSecond: number | undefined;
  signal: AbortSignal;
  /** Must not throw: it records its own outcome. */
  act(item: T): Promise<void>;
}

/** Resolves with how many items were started once every started item has ended. */
export async function runBulk<T>({ items, concurrency, ratePerSecond, signal, act }: BulkOptions<T>): Promise<number> {
  let next = 0;
  let nextStartAt = 0;
  const interval = ratePerSecond === undefined ? 0 : 1000 / ratePerSecond;
  await runLanes(Math.min(concurrency, items.length), async () => {
    if (interval > 0) {
      const now = monotonicNow();
      const at = Math.max(now, nextStartAt);
      nextStartAt = at + interval;
      if (at > now) await sleep(at - now, signal, "resolve");
    }
    if (signal.aborted || next >= items.length) return false;
    await act(items[next++] as T);
    return true;
  });
  return next;
}
