// The lifecycle the reference describes, against the package's own receiver and through the typed
// client: fail, divert, resend; fail, suspend, alert, unsuspend.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createWebhooksClient } from "../../src/index.js";
import { createSimulator, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { startReceiver, type TestReceiver } from "./helpers.js";

let service: TestReceiver;
let alerts: TestReceiver;
beforeAll(async () => {
  [service, alerts] = await Promise.all([startReceiver(), startReceiver()]);
});
afterAll(() => Promise.all([service.close(), alerts.close()]));
afterEach(() => {
  for (const receiver of [service, alerts]) {
    receiver.failing = false;
    receiver.delivered.length = receiver.failureAlerts.length = receiver.suspensionAlerts.length = 0;
  }
});

function setUp(): { simulator: Simulator; client: ReturnType<typeof createWebhooksClient> } {
  const simulator = createSimulator({
    integrations: { "document-service": service.url, "ops-alerts": alerts.url },
    assume: { retryDelayMs: 0, deliveryTimeoutMs: 5_000 },
  });
  const client = createWebhooksClient({ baseUrl: "http://simulator.test", token: "test-token", fetch: (request) => simulator.handle(request), retry: false });
  return { simulator, client };
}

describe("mode divert", () => {
  it("diverts what the receiver refuses, and resends each exactly once when it is back", async () => {
    const { simulator, client } = setUp();
    const put = await client.PUT("/webhooks", {
      body: {
        name: "policy-events",
        integrationName: "document-service",
        alertIntegrationName: "ops-alerts",
        events: ["policy.issue", "policy.endorse"],
        retryStrategy: "one",
        failureHandling: { mode: "divert", actOnStatusCodes: ["500"], actOnTimeout: true },
      },
    });
    expect(put.error).toBeUndefined();
    expect(put.data).toMatchObject({ name: "policy-events", suspended: false, enabled: true });

    service.failing = true;
    const results = await Promise.all(
      ["t-1", "t-2", "t-3"].map((transactionId) => simulator.emit("policy.issue", { transactionId, data: { policyLocator: transactionId } })),
    );
    expect(results.map((r) => r.outcomes)).toEqual(Array(3).fill([{ webhookName: "policy-events", outcome: "diverted" }]));
    expect(service.delivered).toEqual([]);
    // One failure alert per failed delivery, after its retry.
    expect(alerts.failureAlerts.map((a) => a.actualStatus)).toEqual(["500", "500", "500"]);
    expect(alerts.failureAlerts[0]).toMatchObject({ expectedStatus: "200", url: service.url, webhookName: { name: "policy-events" } });

    const { data: page } = await client.GET("/webhooks/{name}/diverted", { params: { path: { name: "policy-events" }, query: { limit: 10 } } });
    expect(page?.webhookName).toBe("policy-events");
    expect(page?.events.map((e) => e.transactionId).sort()).toEqual(["t-1", "t-2", "t-3"]);
    expect(page?.events[0]).toMatchObject({ eventType: "policy.issue", username: "simulator" });

    service.failing = false;
    for (const event of page!.events) {
      const { response } = await client.POST("/webhooks/{name}/diverted/{transactionId}/resend", { params: { path: { name: "policy-events", transactionId: event.transactionId } } });
      expect(response.status).toBe(200);
    }
    expect(service.delivered.map((d) => d.id).sort()).toEqual(results.map((r) => r.event.id).sort());
    expect(new Set(service.delivered.map((d) => d.id)).size).toBe(3);
    expect(service.delivered[0]).toEqual(results.find((r) => r.event.id === service.delivered[0]!.id)!.event);
    const { data: after } = await client.GET("/webhooks/{name}/diverted", { params: { path: { name: "policy-events" } } });
    expect(after?.events).toEqual([]);

    // The journal: two attempts (one retry) per failed delivery, then one per resend.
    const journal = simulator.deliveries().filter((d) => d.kind === "event");
    expect(journal.filter((d) => d.via === "emit").map((d) => [d.attempt, d.status, d.outcome ?? null])).toEqual(
      expect.arrayContaining([[1, 500, null], [2, 500, "diverted"]]),
    );
    expect(journal.filter((d) => d.via === "emit")).toHaveLength(6);
    expect(journal.filter((d) => d.via === "resend").map((d) => d.outcome)).toEqual(["delivered", "delivered", "delivered"]);
    // A second resend of the same transaction finds nothing.
    const again = await client.POST("/webhooks/{name}/diverted/{transactionId}/resend", { params: { path: { name: "policy-events", transactionId: "t-1" } } });
    expect(again.response.status).toBe(404);
  });

  it("deletes a diverted event", async () => {
    const { simulator, client } = setUp();
    await client.PUT("/webhooks", { body: { name: "w", integrationName: "document-service", events: ["claim.create"], failureHandling: { mode: "divert", actOnStatusCodes: ["500"] } } });
    service.failing = true;
    await simulator.emit("claim.create", { transactionId: "tx" });
    const removed = await client.DELETE("/webhooks/{name}/diverted/{transactionId}", { params: { path: { name: "w", transactionId: "tx" } } });
    expect(removed.response.status).toBe(200);
    const { data } = await client.GET("/webhooks/{name}/diverted", { params: { path: { name: "w" } } });
    expect(data?.events).toEqual([]);
  });
});

describe("mode suspend", () => {
  it("suspends the webhook, alerts the alert integration, skips events until unsuspended", async () => {
    const { simulator, client } = setUp();
    await client.PUT("/webhooks", {
      body: {
        name: "claims",
        integrationName: "document-service",
        alertIntegrationName: "ops-alerts",
        events: ["claim.create"],
        retryStrategy: "none",
        failureHandling: { mode: "suspend", actOnStatusCodes: ["500", "503"], actOnTimeout: true },
      },
    });
    service.failing = true;
    const first = await simulator.emit("claim.create");
    expect(first.outcomes).toEqual([{ webhookName: "claims", outcome: "dropped" }]);
    const { data: suspended } = await client.GET("/webhooks/{name}", { params: { path: { name: "claims" } } });
    expect(suspended).toMatchObject({ suspended: true, suspendedTimestamp: expect.stringMatching(/^\d+$/) });
    expect(alerts.suspensionAlerts).toEqual([{ event: "claim.create", integrationName: "document-service", webhookName: "claims" }]);
    expect(alerts.failureAlerts).toHaveLength(1);

    service.failing = false;
    expect((await simulator.emit("claim.create")).outcomes[0]!.outcome).toBe("skipped");
    expect(service.delivered).toEqual([]);

    const { data: resumed } = await client.PATCH("/webhooks/{name}/unsuspend", { params: { path: { name: "claims" } } });
    expect(resumed).toMatchObject({ suspended: false });
    expect(resumed).not.toHaveProperty("suspendedTimestamp");
    const third = await simulator.emit("claim.create");
    expect(third.outcomes[0]!.outcome).toBe("delivered");
    expect(service.delivered.map((d) => d.id)).toEqual([third.event.id]);
    expect(alerts.suspensionAlerts).toHaveLength(1);
  });

  it("queues events while suspended and delivers them on unsuspend, under suspendedWebhook=queue", async () => {
    const simulator = createSimulator({ integrations: { svc: service.url }, assume: { retryDelayMs: 0, suspendedWebhook: "queue" } });
    const client = createWebhooksClient({ baseUrl: "http://simulator.test", token: "t", fetch: (r) => simulator.handle(r), retry: false });
    await client.PUT("/webhooks", { body: { name: "q", integrationName: "svc", events: ["policy.issue"], failureHandling: { mode: "suspend", actOnStatusCodes: ["500"] } } });
    service.failing = true;
    const failed = await simulator.emit("policy.issue");
    service.failing = false;
    const later = await simulator.emit("policy.issue");
    expect([failed.outcomes[0]!.outcome, later.outcomes[0]!.outcome]).toEqual(["queued", "queued"]);
    await client.PATCH("/webhooks/{name}/unsuspend", { params: { path: { name: "q" } } });
    await simulator.settled();
    expect(service.delivered.map((d) => d.id)).toEqual([failed.event.id, later.event.id]);
    expect(simulator.events().map((e) => e.outcomes[0]!.outcome)).toEqual(["delivered", "delivered"]);
  });

  it("a queued event is delivered with the data it was raised with, whatever the caller does with that object after", async () => {
    const sent: unknown[] = [];
    let failing = true;
    const simulator = createSimulator({
      integrations: { svc: "http://127.0.0.1:9/events" },
      assume: { retryDelayMs: 0, suspendedWebhook: "queue" },
      fetch: async (_url, init) => {
        if (failing) return new Response(null, { status: 500 });
        sent.push((JSON.parse(init.body) as { data: unknown }).data);
        return new Response(null, { status: 200 });
      },
    });
    const client = createWebhooksClient({ baseUrl: "http://simulator.test", token: "t", fetch: (r) => simulator.handle(r), retry: false });
    await client.PUT("/webhooks", { body: { name: "q", integrationName: "svc", events: ["policy.issue"], failureHandling: { mode: "suspend", actOnStatusCodes: ["500"] } } });
    const data: Record<string, unknown> = { policyLocator: "1" };
    await simulator.emit("policy.issue", { data }); // fails, suspends, queued
    data.policyLocator = "2";
    await simulator.emit("policy.issue", { data }); // queued while suspended
    data.policyLocator = "changed";
    data.padding = "x".repeat(1000);
    expect(simulator.snapshot().webhooks[0]!.queued.map((payload) => payload.data)).toEqual([{ policyLocator: "1" }, { policyLocator: "2" }]);
    failing = false;
    await client.PATCH("/webhooks/{name}/unsuspend", { params: { path: { name: "q" } } });
    await simulator.settled();
    expect(sent).toEqual([{ policyLocator: "1" }, { policyLocator: "2" }]);
  });

  it("an unsuspend repeated while the queue is being released delivers it once more in order, one at a time", async () => {
    let failing = true;
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const simulator = createSimulator({
      integrations: { svc: "http://127.0.0.1:9/events" },
      assume: { retryDelayMs: 0, suspendedWebhook: "queue" },
      fetch: async (_url, init) => {
        if (failing) return new Response(null, { status: 500 });
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push((JSON.parse(init.body) as { id: string }).id);
        inFlight -= 1;
        return new Response(null, { status: 200 });
      },
    });
    const client = createWebhooksClient({ baseUrl: "http://simulator.test", token: "t", fetch: (r) => simulator.handle(r), retry: false });
    await client.PUT("/webhooks", { body: { name: "q", integrationName: "svc", events: ["policy.issue"], failureHandling: { mode: "suspend", actOnStatusCodes: ["500"] } } });
    const ids: string[] = [];
    for (let index = 0; index < 4; index += 1) ids.push((await simulator.emit("policy.issue")).event.id);
    failing = false;
    const unsuspend = () => client.PATCH("/webhooks/{name}/unsuspend", { params: { path: { name: "q" } } });
    await Promise.all([unsuspend(), unsuspend(), unsuspend()]);
    await simulator.settled();
    expect(order).toEqual(ids);
    expect(most).toBe(1);
  });
});

describe("over a port", () => {
  it("serves the typed client and the simulator endpoints over node:http", async () => {
    const running = await startSimulator({ tokens: ["secret"], assume: { retryDelayMs: 0 } });
    try {
      const headers = { authorization: "secret", "content-type": "application/json" };
      const registered = await fetch(`${running.url}/_simulator/integrations/svc`, { method: "PUT", headers, body: JSON.stringify({ url: service.url, headers: { "x-api-key": "k" } }) });
      expect(registered.status).toBe(200);
      const client = createWebhooksClient({ baseUrl: running.url, token: "secret", retry: false });
      const put = await client.PUT("/webhooks", { body: { name: "w", integrationName: "svc", events: ["policy.issue"] } });
      expect(put.response.status).toBe(200);
      const emitted = await fetch(`${running.url}/_simulator/events`, { method: "POST", headers, body: JSON.stringify({ type: "policy.issue", data: { policyLocator: "1" } }) });
      expect(await emitted.json()).toMatchObject({ outcomes: [{ webhookName: "w", outcome: "delivered" }] });
      expect(service.delivered[0]?.data).toEqual({ policyLocator: "1" });
      const journal = await (await fetch(`${running.url}/_simulator/deliveries`, { headers })).json();
      expect(journal.deliveries).toHaveLength(1);
      expect(journal.deliveries[0]).toMatchObject({ webhookName: "w", status: 200, outcome: "delivered", attempt: 1 });
      const wrong = createWebhooksClient({ baseUrl: running.url, token: "not-it", retry: false });
      expect((await wrong.GET("/webhooks")).response.status).toBe(401);
      expect((await fetch(`${running.url}/_simulator/deliveries`)).status).toBe(401);
    } finally {
      await running.stop();
    }
  });
});
