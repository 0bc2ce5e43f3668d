// One HTTP attempt: POST a body to an integration within the delivery timeout, at most
// maxConcurrentAttempts at once, reading at most maxResponseBytes of the answer. The result is
// data for the failure decision (decision.ts); nothing here decides what a failure means.
import type { Assumptions } from "./assumptions.js";
import { monotonicNow } from "../clock.js";
import { readAtMost } from "../rules/body.js";
import { LOOP_HEADER } from "./checks.js";
import type { DeliveryAttempt, Integration, SimulatorFetch, SimulatorLimits } from "./types.js";

export interface AttemptResult {
  /** The receiver's status, or null without an HTTP answer. */
  status: number | null;
  error: DeliveryAttempt["error"];
  ms: number;
  time: number;
}

/** A counting semaphore: at most `max` attempts in flight. */
function limiter(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

export function createPoster(fetch: SimulatorFetch, assumptions: Assumptions, limits: Readonly<SimulatorLimits>) {
  const runAttempt = limiter(limits.maxConcurrentAttempts);
  return async function post(integration: Integration | undefined, body: string): Promise<AttemptResult> {
    const time = Date.now();
    if (integration === undefined) return { status: null, error: "no-integration", ms: 0, time };
    return runAttempt(async () => {
      const started = monotonicNow();
      // The loop header marks a delivery: a simulator that receives one answers 508 (an integration pointing back at it).
      const own = { "content-type": "application/json", [LOOP_HEADER]: "1" };
      const headers = assumptions.integrationHeaders === "send" ? { ...integration.headers, ...own } : own;
      // A timer of our own, not AbortSignal.timeout: that one is unref'd, and an in-process emit
      // waiting only on it would let the process exit mid-delivery. The race ends the wait even
      // when a fetch ignores its signal.
      const controller = new AbortController();
      const { signal } = controller;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const reason = new DOMException("The delivery timed out", "TimeoutError");
          controller.abort(reason);
          reject(reason);
        }, assumptions.deliveryTimeoutMs);
      });
      timedOut.catch(() => {});
      try {
        const response = await Promise.race([fetch(integration.url, { method: "POST", headers, body, signal, redirect: "manual" }), timedOut]);
        // The status arrived; a body cut short changes nothing. Read at most maxResponseBytes, then let it go.
        if (response.body !== null) await Promise.race([readAtMost(response.body, limits.maxResponseBytes), timedOut]).catch(() => {});
        return { status: response.status, error: null, ms: monotonicNow() - started, time };
      } catch {
        return { status: null, error: signal.aborted ? "timeout" : "no-answer", ms: monotonicNow() - started, time };
      } finally {
        clearTimeout(timer);
      }
    });
  };
}

export type Post = ReturnType<typeof createPoster>;
