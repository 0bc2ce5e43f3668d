// simulator.msw.test.ts
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createWebhooksClient, type WebhookPayload } from "socotra-webhooks-contract";
import { createSimulator } from "socotra-webhooks-contract/simulator";

const platform = "https://api.sandbox.socotra.com";
const myService = "https://my-service.test/socotra/events";

// The simulator answers the platform's URL; your service (here a stub) receives its deliveries.
const simulator = createSimulator({
  integrations: { "my-service": myService },
  assume: { retryDelayMs: 0 }, // undocumented timings, made fast for tests
});
let serviceUp = true;
const received: WebhookPayload[] = [];
const server = setupServer(
  http.all(`${platform}/*`, ({ request }) => simulator.handle(request)),
  http.post(myService, async ({ request }) => {
    if (!serviceUp) return new HttpResponse(null, { status: 503 });
    received.push((await request.json()) as WebhookPayload);
    return new HttpResponse(null, { status: 200 });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => simulator.reset());
afterAll(() => server.close());

it("diverts events while my service is down, and resends them", async () => {
  const client = createWebhooksClient({ baseUrl: platform, token: "test-token" });
  await client.PUT("/webhooks", {
    body: {
      name: "policy-events",
      integrationName: "my-service",
      events: ["policy.issue"],
      failureHandling: { mode: "divert", actOnStatusCodes: ["503"], actOnTimeout: true },
    },
  });

  serviceUp = false;
  const { outcomes } = await simulator.emit("policy.issue", { data: { policyLocator: "100000001" } });
  expect(outcomes).toEqual([{ webhookName: "policy-events", outcome: "diverted" }]);

  const { data } = await client.GET("/webhooks/{name}/diverted", { params: { path: { name: "policy-events" } } });
  expect(data?.events).toHaveLength(1);

  serviceUp = true;
  const transactionId = data!.events[0]!.transactionId;
  await client.POST("/webhooks/{name}/diverted/{transactionId}/resend", { params: { path: { name: "policy-events", transactionId } } });
  expect(received.map((event) => event.data)).toEqual([{ policyLocator: "100000001" }]);
});
