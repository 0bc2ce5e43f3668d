// Runs one action per item with a concurrency limit and an optional rate limit. Once `signal`
// aborts (Ctrl-C), no new item starts; the ones in flight run to their end.
import { monotonicNow } from "../clock.js";

export interface BulkOptions<T> {
  items: readonly T[];
  concurrency: number;
  /** Starts per second at most; undefined for no limit. */
  ratePerSecond: number | undefined;
  signal: AbortSignal;
  /** Must not throw: it records its own outcome. */
  act(item: T): Promise<void>;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(finish, ms);
    signal.addEventListener("abort", finish, { once: true });
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener("abort", finish);
      resolve();
    }
  });
}

/** Resolves with how many items were started once every started item has ended. */
export async function runBulk<T>({ items, concurrency, ratePerSecond, signal, act }: BulkOptions<T>): Promise<number> {
  let next = 0;
  let nextStartAt = 0;
  const interval = ratePerSecond === undefined ? 0 : 1000 / ratePerSecond;
  async function worker() {
    for (;;) {
      if (interval > 0) {
        const now = monotonicNow();
        const at = Math.max(now, nextStartAt);
        nextStartAt = at + interval;
        if (at > now) await pause(at - now, signal);
      }
      if (signal.aborted || next >= items.length) return;
      await act(items[next++] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return next;
}
