// snapshot(), restore(state) and reset(): a test can start from a fixture, and a bad fixture is
// refused naming the field.
import { describe, expect, it } from "vitest";
import { ContractValidationError } from "../../src/index.js";
import { createSimulator, type SimulatorState } from "../../src/simulator/index.js";

const fixture: SimulatorState = {
  version: 1,
  integrations: [{ name: "svc", url: "http://127.0.0.1:9/events", headers: { "x-api-key": "k" } }],
  webhooks: [
    {
      webhook: { name: "w", enabled: true, events: ["policy.issue"], failureHandling: { actOnStatusCodes: ["500"], actOnTimeout: true, mode: "divert" }, integrationName: "svc", retryStrategy: "one", suspended: true, suspendedTimestamp: "1589740898000" },
      diverted: [{ eventId: "e1", eventType: "policy.issue", timestamp: "1589740898000", data: { policyLocator: "1" }, transactionId: "t1", username: "u" }],
      queued: [],
    },
  ],
};

describe("snapshot and restore", () => {
  it("round-trips a state, which the operations then serve", async () => {
    const simulator = createSimulator();
    simulator.restore(fixture);
    expect(simulator.snapshot()).toEqual(fixture);
    const response = await simulator.handle(new Request("http://sim.test/webhooks/w/diverted", { headers: { authorization: "t" } }));
    expect(await response.json()).toEqual({ webhookName: "w", events: fixture.webhooks[0]!.diverted });
    // The snapshot is a copy: changing it changes nothing inside.
    const copy = simulator.snapshot();
    copy.webhooks[0]!.webhook.name = "changed";
    expect(simulator.snapshot()).toEqual(fixture);
  });

  it("refuses a bad state naming each bad field, and keeps the state it had", () => {
    const simulator = createSimulator();
    simulator.restore(fixture);
    const bad = structuredClone(fixture) as unknown as { integrations: object[]; webhooks: { webhook: Record<string, unknown>; diverted: Record<string, unknown>[]; queued: unknown[] }[] };
    bad.webhooks[0]!.webhook.retryStrategy = "often";
    bad.webhooks[0]!.diverted[0]!.timestamp = "yesterday";
    // An unknown event type is no longer refused (a reported deviation, see below); a data that is no object is.
    bad.webhooks[0]!.queued.push({ id: "q", timestamp: "1", transactionId: "t", type: "policy.teleport", username: "u", data: "x" });
    bad.integrations.push({ name: "svc", url: "gopher://x" });
    bad.webhooks[0]!.diverted.push({ ...fixture.webhooks[0]!.diverted[0]!, transactionId: "t2" }, { ...fixture.webhooks[0]!.diverted[0]!, transactionId: "t3" });
    let error: unknown;
    try {
      simulator.restore(bad as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContractValidationError);
    expect((error as ContractValidationError).issues.map((i) => [i.path, i.rule])).toEqual(
      expect.arrayContaining([
        ["/webhooks/0/webhook/retryStrategy", "enum"],
        ["/webhooks/0/diverted/0/timestamp", "pattern"],
        ["/webhooks/0/queued/0/data", "type"],
        ["/integrations/1/url", "format"],
        ["/webhooks/0/diverted/2/eventId", "unique"],
      ]),
    );
    expect(simulator.snapshot()).toEqual(fixture);
    expect(() => simulator.restore(null as never)).toThrow(ContractValidationError);
    expect(() => simulator.restore({ version: 2 } as never)).toThrow(ContractValidationError);
  });

  it("a resend still in flight across reset() or restore() does not unbalance the new state's limits", async () => {
    for (const clear of ["reset", "restore"] as const) {
      let failing = true;
      let release: (() => void) | undefined;
      const simulator = createSimulator({
        integrations: { svc: "http://127.0.0.1:9/" },
        assume: { retryDelayMs: 0 },
        limits: { maxDivertedEvents: 1 },
        fetch: async () => {
          if (failing) return new Response(null, { status: 500 });
          await new Promise<void>((resolve) => (release = resolve));
          return new Response(null, { status: 200 });
        },
      });
      const headers = { authorization: "t", "content-type": "application/json" };
      const webhook = JSON.stringify({ name: "w", integrationName: "svc", events: ["policy.issue"], failureHandling: { mode: "divert", actOnStatusCodes: ["500"] } });
      const putWebhook = () => simulator.handle(new Request("http://sim.test/webhooks", { method: "PUT", headers, body: webhook }));
      await putWebhook();
      await simulator.emit("policy.issue", { transactionId: "t1" });
      failing = false;
      const resend = simulator.handle(new Request("http://sim.test/webhooks/w/diverted/t1/resend", { method: "POST", headers }));
      for (let tries = 0; release === undefined && tries < 100; tries += 1) await new Promise((resolve) => setTimeout(resolve, 5));
      if (clear === "reset") simulator.reset();
      else simulator.restore({ version: 1, integrations: [{ name: "svc", url: "http://127.0.0.1:9/", headers: {} }], webhooks: [] });
      release!();
      expect((await resend).status).toBe(200);
      failing = true;
      await putWebhook();
      const outcomes = [];
      for (const transactionId of ["a", "b"]) outcomes.push(...(await simulator.emit("policy.issue", { transactionId })).outcomes.map((o) => o.outcome));
      // One diverted event at most (maxDivertedEvents: 1): the second is dropped.
      expect(outcomes).toEqual(["diverted", "dropped"]);
      expect(simulator.snapshot().webhooks[0]!.diverted).toHaveLength(1);
    }
  });

  it("every snapshot can be restored: an integration a webhook names is not deleted from under it", async () => {
    const simulator = createSimulator();
    const call = (method: string, path: string, body?: unknown) =>
      simulator.handle(new Request(`http://sim.test${path}`, { method, headers: { authorization: "t", "content-type": "application/json" }, ...(body !== undefined && { body: JSON.stringify(body) }) }));
    await call("PUT", "/_simulator/integrations/svc", { url: "http://127.0.0.1:9/" });
    await call("PUT", "/_simulator/integrations/alerts", { url: "http://127.0.0.1:9/alerts" });
    await call("PUT", "/webhooks", { name: "w", integrationName: "svc", alertIntegrationName: "alerts", events: ["policy.issue"] });
    for (const name of ["svc", "alerts"]) {
      const refused = await call("DELETE", `/_simulator/integrations/${name}`);
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ issues: [{ path: "path parameter name", rule: "inUse" }] });
    }
    const state = simulator.snapshot();
    expect(() => simulator.restore(state)).not.toThrow();
    await call("DELETE", "/webhooks/w");
    expect((await call("DELETE", "/_simulator/integrations/svc")).status).toBe(200);
    expect(() => simulator.restore(simulator.snapshot())).not.toThrow();
  });

  it("reset forgets everything but the integrations of the options", async () => {
    const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/" } });
    simulator.restore(fixture);
    simulator.reset();
    expect(simulator.snapshot()).toEqual({ version: 1, integrations: [{ name: "svc", url: "http://127.0.0.1:9/", headers: {} }], webhooks: [] });
    expect(simulator.deliveries()).toEqual([]);
  });
});


describe("every state the simulator produces can be restored", () => {
  const headers = { authorization: "t", "content-type": "application/json" };

  it("a queued event whose type a later PUT removed from the webhook, directly and over HTTP", async () => {
    const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/" }, assume: { retryDelayMs: 0, suspendedWebhook: "queue" }, fetch: async () => new Response(null, { status: 500 }) });
    const put = (events: string[]) => simulator.handle(new Request("http://sim.test/webhooks", { method: "PUT", headers, body: JSON.stringify({ name: "w", integrationName: "svc", events, failureHandling: { mode: "suspend", actOnStatusCodes: ["500"] } }) }));
    await put(["policy.issue"]);
    expect((await simulator.emit("policy.issue")).outcomes).toEqual([{ webhookName: "w", outcome: "queued" }]);
    await put(["policy.cancel"]);
    const state = simulator.snapshot();
    expect(state.webhooks[0]!.queued).toHaveLength(1);
    expect(() => simulator.restore(state)).not.toThrow();
    expect(simulator.snapshot()).toEqual(state);
    const got = await simulator.handle(new Request("http://sim.test/_simulator/state", { headers }));
    const putBack = await simulator.handle(new Request("http://sim.test/_simulator/state", { method: "PUT", headers, body: await got.text() }));
    expect(putBack.status).toBe(200);
    expect(simulator.snapshot()).toEqual(state);
  });

  it("PUT /_simulator/state answers the state it restored (not the one it replaced), with the deviations", async () => {
    const simulator = createSimulator();
    const state = structuredClone(fixture);
    state.webhooks[0]!.diverted[0]!.eventType = "policy.brandNew" as never;
    const response = await simulator.handle(new Request("http://sim.test/_simulator/state", { method: "PUT", headers, body: JSON.stringify(state) }));
    expect(response.status).toBe(200);
    const { deviations, ...answered } = await response.json();
    expect(answered).toEqual(state);
    expect(answered).toEqual(simulator.snapshot());
    expect(deviations).toEqual([expect.objectContaining({ path: "/webhooks/0/diverted/0/eventType", rule: "unknownEventType" })]);
  });

  it("counts an event's retained bytes one way, whether it was diverted or restored", async () => {
    const data = { blob: "é".repeat(300) };
    const put = (simulator: ReturnType<typeof createSimulator>) =>
      simulator.handle(new Request("http://sim.test/webhooks", { method: "PUT", headers, body: JSON.stringify({ name: "w", integrationName: "svc", events: ["policy.issue"], failureHandling: { mode: "divert", actOnStatusCodes: ["500"] } }) }));
    // The smallest bound that holds this one event, found by divert itself.
    let bound = 1;
    for (let high = 4096; bound < high; ) {
      const middle = Math.floor((bound + high) / 2);
      const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/" }, assume: { retryDelayMs: 0 }, limits: { maxRetainedBytes: middle }, fetch: async () => new Response(null, { status: 500 }) });
      await put(simulator);
      const { outcomes } = await simulator.emit("policy.issue", { id: "e1", transactionId: "t1", data });
      if (outcomes[0]!.outcome === "diverted") high = middle;
      else bound = middle + 1;
    }
    const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/" }, assume: { retryDelayMs: 0 }, limits: { maxRetainedBytes: bound }, fetch: async () => new Response(null, { status: 500 }) });
    await put(simulator);
    expect((await simulator.emit("policy.issue", { id: "e1", transactionId: "t1", data })).outcomes[0]!.outcome).toBe("diverted");
    // What divert kept within the bound, restore keeps within it too; and counts it as bytes, not UTF-16 units.
    expect(() => simulator.restore(simulator.snapshot())).not.toThrow();
    expect(bound).toBeGreaterThan(600);
    const tight = createSimulator({ limits: { maxRetainedBytes: bound - 1 } });
    expect(() => tight.restore(simulator.snapshot())).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ rule: "maxRetainedBytes" })] }));
  });

  it("an event type the contract does not know (in a webhook's events, a diverted or a queued event) is restored and reported as a deviation, not refused", () => {
    const simulator = createSimulator();
    const state = structuredClone(fixture) as unknown as SimulatorState;
    (state.webhooks[0]!.diverted[0] as { eventType: string }).eventType = "policy.teleport";
    state.webhooks[0]!.queued.push({ id: "q1", timestamp: "1589740898000", transactionId: "tq", type: "policy.teleport", username: "u", data: {} });
    (state.webhooks[0]!.webhook.events as string[]).push("policy.teleport", "claim.vanish");
    const report = simulator.restore(state);
    expect(simulator.snapshot()).toEqual(state);
    expect(report.deviations.map((i) => [i.path, i.rule])).toEqual([
      ["/webhooks/0/webhook/events/1", "unknownEventType"],
      ["/webhooks/0/webhook/events/2", "unknownEventType"],
      ["/webhooks/0/diverted/0/eventType", "unknownEventType"],
      ["/webhooks/0/queued/0/type", "unknownEventType"],
    ]);
    expect(simulator.restore(fixture).deviations).toEqual([]);
  });
});
