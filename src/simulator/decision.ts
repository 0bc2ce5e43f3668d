// The failure decision, pure: from the webhook's rules, the attempt's result and the assumptions,
// what happens next. Tested as a table (test/simulator/decision.test.ts); deliver() only carries it out.
import type { WebhookResponse } from "../../generated/schema.js";
import type { Assumptions } from "./assumptions.js";
import type { AttemptResult } from "./attempts.js";

export type Decision =
  /** A 2xx: the event ends `delivered`. */
  | { action: "delivered" }
  /** A failed attempt with retries left: try again, after a failure alert under `failureAlerts: per-attempt` when the rules act on it. */
  | { action: "retry"; alert: boolean }
  /** The last attempt failed and the rules do not act on it (or the webhook is gone): `dropped`, no alert. */
  | { action: "drop" }
  /**
   * The last attempt failed and the rules act on it: the failure alert, then the webhook's mode
   * (`none` after the modeNone assumption: dropped; `divert`; `suspend`, queueing the event under
   * `suspendedWebhook: queue`).
   */
  | { action: "fail"; mode: "none" | "divert" | "suspend"; queue: boolean };

export interface DecisionInput {
  /** The webhook as it is now (a PUT may have changed its rules during the delivery). */
  webhook: Pick<WebhookResponse, "failureHandling">;
  /** False when a DELETE or restore removed the webhook during the delivery. */
  current: boolean;
  /** 1 for the first attempt. */
  attempt: number;
  /** The attempts the delivery has, fixed when it started: see attemptsFor. */
  attempts: number;
  result: Pick<AttemptResult, "status" | "error">;
  assumptions: Assumptions;
}

export const isSuccess = (status: number | null): boolean => status !== null && status >= 200 && status <= 299;

/** Whether the webhook's failure rules act on a failed attempt. */
export function actsOn(webhook: DecisionInput["webhook"], result: DecisionInput["result"], assumptions: Assumptions): boolean {
  const { actOnStatusCodes, actOnTimeout } = webhook.failureHandling;
  if (result.status !== null) return actOnStatusCodes.includes(String(result.status)) || assumptions.unlistedStatus === "act";
  if (result.error === "timeout") return actOnTimeout;
  if (assumptions.networkError === "act") return true;
  if (assumptions.networkError === "as-timeout") return actOnTimeout;
  return assumptions.unlistedStatus === "act";
}

/** The attempts of a delivery: the first, and the retries its retryStrategy has (assumptions retries.*). */
export const attemptsFor = (retryStrategy: WebhookResponse["retryStrategy"], assumptions: Assumptions): number => 1 + assumptions[`retries.${retryStrategy}`];

export function decide({ webhook, current, attempt, attempts, result, assumptions }: DecisionInput): Decision {
  if (isSuccess(result.status)) return { action: "delivered" };
  const acted = actsOn(webhook, result, assumptions);
  if (current && attempt < attempts) return { action: "retry", alert: acted && assumptions.failureAlerts === "per-attempt" };
  if (!current || !acted) return { action: "drop" };
  const { mode } = webhook.failureHandling;
  const effective = mode === "none" && assumptions.modeNone === "divert" ? "divert" : mode;
  return { action: "fail", mode: effective, queue: effective === "suspend" && assumptions.suspendedWebhook === "queue" };
}
