// The one home of waiting and of worker pools: a bounded sleep that a signal can end (resolving, as
// a bulk run's rate pause does, or rejecting with the signal's reason, as the client's backoff
// does), and lanes that take work until none is left or one fails.
import { MAX_TIMER_MS } from "./limits.js";

/**
 * Resolves after `ms` (finite). When `signal` aborts first: `onAbort: "resolve"` resolves at once,
 * `"reject"` (the default) rejects with the signal's reason. No timer outlives the wait. A wait past
 * setTimeout's limit (a slow `--rate` with many lanes) runs as several timers: Node would run it after 1 ms.
 */
export function sleep(ms: number, signal?: AbortSignal, onAbort: "resolve" | "reject" = "reject"): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = () => (onAbort === "resolve" ? resolve() : reject(signal!.reason));
    if (signal?.aborted) return end();
    let timer: ReturnType<typeof setTimeout>;
    const aborted = () => {
      clearTimeout(timer);
      end();
    };
    const wait = (left: number): void => {
      timer = setTimeout(() => {
        if (left > MAX_TIMER_MS) return wait(left - MAX_TIMER_MS);
        signal?.removeEventListener("abort", aborted);
        resolve();
      }, Math.min(left, MAX_TIMER_MS));
    };
    wait(ms);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts (its listener removed either way). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Runs `lanes` workers at once, each calling `step` again until it answers false. The first throw
 * stops every lane from taking more work, and rejects once the steps in flight have settled.
 */
export async function runLanes(lanes: number, step: () => Promise<boolean>): Promise<void> {
  let failure: { error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      try {
        while (failure === undefined && (await step()));
      } catch (error) {
        failure ??= { error };
      }
    }),
  );
  if (failure !== undefined) throw failure.error;
}
