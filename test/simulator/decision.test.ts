// The failure decision as a table: (webhook rules, attempt result, assumptions) -> what happens.
import { describe, expect, it } from "vitest";
import { resolveAssumptions, type AssumptionOverrides } from "../../src/simulator/assumptions.js";
import { decide, type Decision, type DecisionInput } from "../../src/simulator/decision.js";

type Mode = "none" | "divert" | "suspend";
const ok = { status: 200, error: null } as const;
const status = (code: number) => ({ status: code, error: null });
const timeout = { status: null, error: "timeout" } as const;
const reset = { status: null, error: "no-answer" } as const;
const noIntegration = { status: null, error: "no-integration" } as const;

const rules = (mode: Mode, actOnStatusCodes: string[] = ["500"], actOnTimeout = false) => ({ failureHandling: { mode, actOnStatusCodes, actOnTimeout } });
const fail = (mode: Mode, queue = false): Decision => ({ action: "fail", mode, queue });

// [what, webhook, result, attempt of attempts, current, assumptions, decision]
const table: [string, DecisionInput["webhook"], DecisionInput["result"], [number, number], boolean, AssumptionOverrides, Decision][] = [
  ["a 2xx is delivered", rules("divert"), ok, [1, 1], true, {}, { action: "delivered" }],
  ["a 204 is delivered", rules("divert"), status(204), [1, 1], true, {}, { action: "delivered" }],
  ["a 2xx is delivered even after the webhook went", rules("divert"), ok, [1, 1], false, {}, { action: "delivered" }],
  ["a listed status with retries left is retried", rules("divert"), status(500), [1, 2], true, {}, { action: "retry", alert: false }],
  ["any failure with retries left is retried", rules("divert"), status(404), [1, 4], true, {}, { action: "retry", alert: false }],
  ["per-attempt alerts a retried failure the rules act on", rules("divert"), status(500), [1, 2], true, { failureAlerts: "per-attempt" }, { action: "retry", alert: true }],
  ["per-attempt does not alert one they ignore", rules("divert"), status(404), [1, 2], true, { failureAlerts: "per-attempt" }, { action: "retry", alert: false }],
  ["a webhook gone mid-delivery is not retried", rules("divert"), status(500), [1, 4], false, {}, { action: "drop" }],
  ["a listed status on the last attempt diverts", rules("divert"), status(500), [2, 2], true, {}, fail("divert")],
  ["an unlisted status is dropped (unlistedStatus=ignore)", rules("divert"), status(503), [1, 1], true, {}, { action: "drop" }],
  ["an unlisted status is acted on (unlistedStatus=act)", rules("divert"), status(503), [1, 1], true, { unlistedStatus: "act" }, fail("divert")],
  ["a redirect is a status like any other", rules("divert", ["302"]), status(302), [1, 1], true, {}, fail("divert")],
  ["a timeout with actOnTimeout", rules("divert", [], true), timeout, [1, 1], true, {}, fail("divert")],
  ["a timeout without actOnTimeout", rules("divert", [], false), timeout, [1, 1], true, {}, { action: "drop" }],
  ["no answer is acted on (networkError=act)", rules("divert", [], false), reset, [1, 1], true, {}, fail("divert")],
  ["no answer as a timeout, with actOnTimeout", rules("divert", [], true), reset, [1, 1], true, { networkError: "as-timeout" }, fail("divert")],
  ["no answer as a timeout, without actOnTimeout", rules("divert", [], false), reset, [1, 1], true, { networkError: "as-timeout" }, { action: "drop" }],
  ["no answer ignored, as an unlisted status", rules("divert"), reset, [1, 1], true, { networkError: "ignore" }, { action: "drop" }],
  ["no answer ignored, unlisted statuses acted on", rules("divert"), reset, [1, 1], true, { networkError: "ignore", unlistedStatus: "act" }, fail("divert")],
  ["no integration is no answer", rules("suspend"), noIntegration, [1, 1], true, {}, fail("suspend")],
  ["mode none drops after the alert (modeNone=drop)", rules("none"), status(500), [1, 1], true, {}, fail("none")],
  ["mode none diverts under modeNone=divert", rules("none"), status(500), [1, 1], true, { modeNone: "divert" }, fail("divert")],
  ["suspend skips later events (suspendedWebhook=skip)", rules("suspend"), status(500), [1, 1], true, {}, fail("suspend")],
  ["suspend queues the event (suspendedWebhook=queue)", rules("suspend"), status(500), [1, 1], true, { suspendedWebhook: "queue" }, fail("suspend", true)],
  ["a divert never queues", rules("divert"), status(500), [1, 1], true, { suspendedWebhook: "queue" }, fail("divert")],
  ["a webhook gone by the last attempt is dropped", rules("divert"), status(500), [1, 1], false, {}, { action: "drop" }],
];

describe("decide", () => {
  it.each(table)("%s", (_, webhook, result, [attempt, attempts], current, assume, decision) => {
    expect(decide({ webhook, result, attempt, attempts, current, assumptions: resolveAssumptions(assume) })).toEqual(decision);
  });
});
