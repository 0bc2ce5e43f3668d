import { describe, expect, expectTypeOf, it } from "vitest";
import { SCHEMA_FIELDS } from "../../generated/operations.js";
import { parse, toWebhookRequest, type WebhookRequest, type WebhookResponse } from "../../src/index.js";
import { aWebhook } from "./harness.js";

describe("toWebhookRequest", () => {
  it("is typed from a WebhookResponse to a WebhookRequest", () => {
    expectTypeOf(toWebhookRequest).parameters.toEqualTypeOf<[WebhookResponse]>();
    expectTypeOf(toWebhookRequest).returns.toEqualTypeOf<WebhookRequest>();
    // @ts-expect-error a request body is not a webhook as read
    toWebhookRequest({ name: "policy-events" } satisfies WebhookRequest);
  });

  it("drops what the platform adds, so that the result validates as a WebhookRequest", () => {
    const held = aWebhook("policy-events", { suspended: true, suspendedTimestamp: "1589740898000", displayName: "Policies", alertIntegrationName: "ops" });
    // What the contract refuses today: the GET result sent back as it is.
    expect(() => parse("WebhookRequest", held)).toThrow(/suspended/);
    const request = toWebhookRequest(held);
    expect(parse("WebhookRequest", request)).toEqual(request);
    expect(request).toEqual({
      name: "policy-events",
      displayName: "Policies",
      alertIntegrationName: "ops",
      enabled: true,
      events: ["policy.issue", "policy.endorse"],
      integrationName: "document-service",
      retryStrategy: "three",
      failureHandling: { actOnStatusCodes: ["500", "503"], actOnTimeout: true, mode: "divert" },
    });
  });

  it("keeps exactly the spec's WebhookRequest fields, and FailureHandlingRequest's inside failureHandling", () => {
    const held = { ...aWebhook("w"), failureHandling: { actOnStatusCodes: ["500"], actOnTimeout: false, mode: "none", addedLater: 1 }, addedLater: true } as unknown as WebhookResponse;
    const request = toWebhookRequest(held);
    expect(Object.keys(request).every((field) => Object.hasOwn(SCHEMA_FIELDS.WebhookRequest!, field))).toBe(true);
    expect(Object.keys(request.failureHandling!).sort()).toEqual(Object.keys(SCHEMA_FIELDS.FailureHandlingRequest!).sort());
  });

  it("copies lists, so that editing the request leaves the webhook read untouched", () => {
    const held = aWebhook("w");
    const request = toWebhookRequest(held);
    request.events!.push("claim.create");
    request.failureHandling!.actOnStatusCodes!.push("502");
    expect(held.events).toEqual(["policy.issue", "policy.endorse"]);
    expect(held.failureHandling.actOnStatusCodes).toEqual(["500", "503"]);
  });

  it("reads own fields only: inherited or prototype-named keys are not copied", () => {
    const inherited = Object.assign(Object.create({ displayName: "from the prototype" }), aWebhook("w")) as WebhookResponse;
    expect(toWebhookRequest(inherited)).not.toHaveProperty("displayName");
    const hostile = JSON.parse('{"name":"w","__proto__":{"enabled":false},"constructor":1}') as WebhookResponse;
    const request = toWebhookRequest(hostile);
    expect(request).toEqual({ name: "w" });
    expect(Object.getPrototypeOf(request)).toBe(Object.prototype);
  });

  it("refuses what is not a webhook object, with a WebhooksOptionError that says so", () => {
    for (const value of [null, undefined, "policy-events", [aWebhook("w")]]) {
      expect(() => toWebhookRequest(value as unknown as WebhookResponse)).toThrow(/must be a webhook object/);
    }
  });
});
