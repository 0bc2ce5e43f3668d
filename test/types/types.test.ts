// Type-level tests: `npm test` type-checks this file first, so an @ts-expect-error that stops
// being an error fails the run. The vitest part asserts the runtime list matches the type.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  createWebhooksClient,
  parseWebhookPayload,
  WEBHOOK_EVENT_TYPES,
  type components,
  type EventStreamData,
  type ObservedEventType,
  type WebhookDivertedEventResponse,
  type WebhookEventType,
  type WebhookPayload,
  type WebhookRequest,
  type WebhookResponse,
  type webhooks,
} from "../../src/index.js";

const client = createWebhooksClient({ baseUrl: "http://127.0.0.1:1", token: "t" });

// Never called: only type-checked.
async function typeChecks() {
  // A path parameter that does not exist on the path.
  // @ts-expect-error `id` is not a parameter of /webhooks/{name}
  await client.GET("/webhooks/{name}", { params: { path: { id: "x" } } });
  // @ts-expect-error the required path parameter is missing
  await client.GET("/webhooks/{name}", { params: { path: {} } });
  // @ts-expect-error an undeclared path
  await client.GET("/webhook");
  // @ts-expect-error an undeclared method on a path
  await client.POST("/webhooks");
  // @ts-expect-error `limit` is an integer
  await client.GET("/webhooks/{name}/diverted", { params: { path: { name: "w" }, query: { limit: "10" } } });
  // @ts-expect-error a per-call fetch would bypass the client's transport: give it to createWebhooksClient
  await client.GET("/webhooks", { fetch: (request: Request) => fetch(request) });
  // @ts-expect-error a per-call baseUrl would send the token elsewhere
  await client.GET("/webhooks/{name}", { params: { path: { name: "w" } }, baseUrl: "http://127.0.0.1:2" });

  // Bodies: required field, unknown event type, wrong field type.
  // @ts-expect-error `name` is required
  await client.PUT("/webhooks", { body: { enabled: true } });
  // @ts-expect-error not an event type
  await client.PUT("/webhooks", { body: { name: "w", events: ["policy.teleport"] } });
  // @ts-expect-error `enabled` is a boolean
  await client.PUT("/webhooks", { body: { name: "w", enabled: "yes" } });
  // Optional request fields stay optional.
  await client.PUT("/webhooks", { body: { name: "w" } });

  const { data } = await client.GET("/webhooks/{name}", { params: { path: { name: "w" } } });
  if (data) expectTypeOf(data).toEqualTypeOf<WebhookResponse>();
  // openapi-fetch's own result type would turn the open event type into an object type: ours keeps it a string.
  if (data) expectTypeOf(data.events[0]!).toEqualTypeOf<ObservedEventType>();

  // @ts-expect-error an unknown event type is not a WebhookEventType
  const unknownEvent: WebhookEventType = "policy.teleport";
  void unknownEvent;
  // @ts-expect-error a payload lacks its required fields
  const incomplete: WebhookPayload = { id: "x" };
  void incomplete;
  // @ts-expect-error the runtime list is readonly
  WEBHOOK_EVENT_TYPES.push("policy.issue");
}
void typeChecks;

describe("types", () => {
  it("names every schema and the webhooks section", () => {
    expectTypeOf<WebhookRequest>().toEqualTypeOf<components["schemas"]["WebhookRequest"]>();
    expectTypeOf<WebhookPayload["data"]>().toEqualTypeOf<EventStreamData>();
    expectTypeOf<WebhookPayload["timestamp"]>().toEqualTypeOf<string>();
    // Answers carry an open event type: the 100 names (editors complete them) or any other string.
    expectTypeOf<WebhookDivertedEventResponse["eventType"]>().toEqualTypeOf<ObservedEventType>();
    expectTypeOf<WebhookResponse["events"][number]>().toEqualTypeOf<ObservedEventType>();
    expectTypeOf<WebhookEventType>().toExtend<ObservedEventType>();
    expectTypeOf<"policy.brandNewType">().toExtend<ObservedEventType>();
    // Not collapsed to `string`, which would lose the completion of the 100 names.
    expectTypeOf<ObservedEventType>().not.toEqualTypeOf<string>();
    // Requests stay closed.
    expectTypeOf<NonNullable<WebhookRequest["events"]>[number]>().toEqualTypeOf<WebhookEventType>();
    expectTypeOf<NonNullable<webhooks["eventDelivery"]["post"]>["requestBody"]>().toEqualTypeOf<{
      content: { "application/json": WebhookPayload };
    }>();
    expectTypeOf(parseWebhookPayload).returns.toEqualTypeOf<WebhookPayload>();
  });

  it("WEBHOOK_EVENT_TYPES is the readonly runtime list of WebhookEventType", () => {
    expectTypeOf<WebhookEventType>().toEqualTypeOf<(typeof WEBHOOK_EVENT_TYPES)[number]>();
    expect(() => (WEBHOOK_EVENT_TYPES as unknown as string[]).push("policy.teleport")).toThrow(TypeError);
    expect(WEBHOOK_EVENT_TYPES).toHaveLength(100);
    expect(new Set(WEBHOOK_EVENT_TYPES).size).toBe(100);
    expect(Object.isFrozen(WEBHOOK_EVENT_TYPES)).toBe(true);
  });
});
