// The receiver's API as a user writes it: patterns checked at once (types and run time), options
// checked at creation, the bounded dedupe store, and the list of accepted deviations.
import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { OUTBOUND_WEBHOOKS, SCHEMA_FIELDS } from "../../generated/operations.js";
import { createLambdaHandler, createNodeHandler, createWebhookReceiver, memoryDedupeStore, WEBHOOK_EVENT_TYPES, WebhooksContractError, WebhooksOptionError, type ReceivedFailureMessage, type WebhookPattern, type WebhookPayload, type WebhookReceiver } from "../../src/index.js";
import { KNOWN_DEVIATIONS } from "../../src/receiver/deviations.js";

describe("on(pattern)", () => {
  const receiver = createWebhookReceiver();

  it("refuses an unknown event type at once, suggesting the closest known one", () => {
    expect(() => receiver.on("policy.issued" as WebhookPattern, () => undefined)).toThrow(WebhooksOptionError);
    expect(() => receiver.on("policy.issued" as WebhookPattern, () => undefined)).toThrow('on: "policy.issued" is not a known event type or wildcard; did you mean "policy.issue"?');
    expect(() => receiver.on("policy.issued" as WebhookPattern, () => undefined)).toThrow(expect.objectContaining({ caller: "on", option: "pattern", rule: "unknown" }));
    expect(() => receiver.on("Claim.Create" as WebhookPattern, () => undefined)).toThrow(/did you mean "claim\.create"\?/);
    expect(() => receiver.on("polcy.*" as WebhookPattern, () => undefined)).toThrow(/did you mean "policy\.\*"\?/);
    for (const name of ["constructor", "__proto__", "toString", ""]) expect(() => receiver.on(name as WebhookPattern, () => undefined)).toThrow(WebhooksOptionError);
    expect(() => receiver.on(42 as unknown as WebhookPattern, () => undefined)).toThrow(/must be a string/);
    expect(() => receiver.on(42 as unknown as WebhookPattern, () => undefined)).toThrow(expect.objectContaining({ option: "pattern", rule: "type" }));
    expect(() => receiver.on("policy.issue", "not a function" as never)).toThrow(/must be a function/);
    expect(() => receiver.on("policy.issue", "not a function" as never)).toThrow(expect.objectContaining({ caller: 'on("policy.issue")', option: "handler", rule: "type" }));
  });

  it("accepts every event type and every wildcard depth the event types use", () => {
    for (const type of WEBHOOK_EVENT_TYPES) expect(() => receiver.on(type, () => undefined)).not.toThrow();
    for (const pattern of ["policy.*", "policy.quote.*", "policy.reinstatement.*", "policy.gracePeriod.*", "subClaim.*", "*"] as const) {
      expect(() => receiver.on(pattern, () => undefined)).not.toThrow();
    }
  });

  it("types patterns the same way (type-level)", () => {
    expectTypeOf<"policy.quote.*">().toMatchTypeOf<WebhookPattern>();
    expectTypeOf<"policy.reinstatement.*">().toMatchTypeOf<WebhookPattern>();
    expectTypeOf<"policy.issued">().not.toMatchTypeOf<WebhookPattern>();
    expectTypeOf<"spaceship.*">().not.toMatchTypeOf<WebhookPattern>();
    expectTypeOf<"policy.issue.*">().not.toMatchTypeOf<WebhookPattern>();
    // @ts-expect-error not an event type
    expect(() => createWebhookReceiver().on("policy.issued", () => undefined)).toThrow(WebhooksOptionError);
    createWebhookReceiver()
      .on("policy.quote.*", (event) => expectTypeOf(event).toEqualTypeOf<WebhookPayload>())
      .onFailureAlert((alert) => expectTypeOf(alert.webhookName).toEqualTypeOf<ReceivedFailureMessage["webhookName"]>());
  });
});

describe("createWebhookReceiver options", () => {
  it.each([
    [{ maxBytes: 0 }, /`maxBytes` must be a positive integer/],
    [{ handlerTimeoutMs: -1 }, /`handlerTimeoutMs`/],
    [{ bodyTimeoutMs: 2 ** 31 }, /`bodyTimeoutMs` must be a positive integer of at most/],
    [{ dedupe: { claim: () => true, release: () => undefined } }, /`dedupe` must be a store with claim\(id, \{ leaseMs, ttlMs \}\), complete\(id, token, \{ ttlMs \}\) and release\(id, token\)/],
    [{ dedupeLeaseMs: 0 }, /`dedupeLeaseMs` must be a positive integer/],
    [{ handlerTimeoutMs: 5000, dedupeLeaseMs: 5000 }, /`dedupeLeaseMs` must exceed `handlerTimeoutMs`/],
    [{ onError: "log" }, /`onError` must be a function/],
    [{ onDeviation: 1 }, /`onDeviation` must be a function/],
  ])("refuses %j", (options, message) => {
    expect(() => createWebhookReceiver(options as never)).toThrow(message);
    expect(() => createWebhookReceiver(options as never)).toThrow(WebhooksOptionError);
  });

  it("refuses a bad option or argument with a WebhooksOptionError naming the function, the option and the rule", () => {
    const refusal = (call: () => unknown) => {
      try {
        call();
      } catch (error) {
        expect(error).toBeInstanceOf(WebhooksContractError);
        const { caller, option, rule } = error as WebhooksOptionError;
        return { caller, option, rule };
      }
      throw new Error("expected a refusal");
    };
    expect(refusal(() => createWebhookReceiver({ onError: "log" as never }))).toEqual({ caller: "createWebhookReceiver", option: "onError", rule: "type" });
    expect(refusal(() => createWebhookReceiver({ onDeviation: {} as never }))).toEqual({ caller: "createWebhookReceiver", option: "onDeviation", rule: "type" });
    expect(refusal(() => createWebhookReceiver().onFailureAlert(null as never))).toEqual({ caller: "onFailureAlert", option: "handler", rule: "type" });
    expect(refusal(() => createWebhookReceiver().onSuspendedAlert("x" as never))).toEqual({ caller: "onSuspendedAlert", option: "handler", rule: "type" });
    const lookalike = { on() {}, handle() {}, receive() {} } as unknown as WebhookReceiver;
    expect(refusal(() => createNodeHandler(lookalike))).toEqual({ caller: "createNodeHandler", option: "receiver", rule: "type" });
    expect(refusal(() => createLambdaHandler(lookalike))).toEqual({ caller: "createLambdaHandler", option: "receiver", rule: "type" });
    expect(() => createNodeHandler(lookalike)).toThrow("createNodeHandler: `receiver` must be a receiver made by createWebhookReceiver()");
  });
});

describe("the known deviations", () => {
  it("each name an outbound body of the spec and one of its fields, and say where they come from", () => {
    const outbound = new Set(OUTBOUND_WEBHOOKS.map((webhook) => webhook.schema));
    for (const deviation of KNOWN_DEVIATIONS) {
      expect(outbound).toContain(deviation.schema);
      expect(Object.keys(SCHEMA_FIELDS[deviation.schema] ?? {})).toContain(deviation.path.slice(1));
      expect(deviation.source.length).toBeGreaterThan(40);
    }
    expect(new Set(KNOWN_DEVIATIONS.map((d) => `${d.schema}${d.path}`)).size).toBe(KNOWN_DEVIATIONS.length);
  });
});

describe("hostile handlers", () => {
  it("a thenable whose then() throws, beside another handler, is a handled failure: 500 and onError, no unhandled rejection", async () => {
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const errors: unknown[] = [];
      const receiver = createWebhookReceiver({ handlerTimeoutMs: 2_000, onError: (error) => void errors.push(error) })
        .on("policy.issue", () => ({ then: () => { throw new Error("hostile then"); } }) as unknown as Promise<void>)
        .on("policy.*", () => Promise.resolve());
      const body = JSON.stringify({ id: "e1", timestamp: "1589740898000", transactionId: "t1", type: "policy.issue", username: "u", data: {} });
      const answer = await receiver.receive({ method: "POST", headers: { "content-type": "application/json" }, body });
      await new Promise((resolve) => setImmediate(resolve));
      expect(answer.status).toBe(500);
      expect(errors.map((error) => (error as Error).message)).toEqual(["hostile then"]);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });
});
