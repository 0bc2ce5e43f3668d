// What a hostile or careless caller can do to the simulator: data nested thousands deep, and an
// integration that points back at the simulator's own resend endpoint.
import { describe, expect, it } from "vitest";
import { ContractValidationError } from "../../src/index.js";
import { MAX_JSON_DEPTH } from "../../src/json-depth.js";
import { createSimulator, startSimulator, type SimulatorState } from "../../src/simulator/index.js";

const headers = { authorization: "t", "content-type": "application/json" };
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

describe("nesting is bounded where data enters", () => {
  it.each([2_000, 100_000])("an event whose data nests %i deep is a 400 naming the rule, and the state stays readable", async (depth) => {
    const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/" }, assume: { retryDelayMs: 0 }, fetch: async () => new Response(null, { status: 500 }) });
    await simulator.handle(new Request("http://sim.test/webhooks", { method: "PUT", headers, body: JSON.stringify({ name: "w", integrationName: "svc", events: ["policy.issue"], failureHandling: { mode: "divert", actOnStatusCodes: ["500"] } }) }));
    const response = await simulator.handle(new Request("http://sim.test/_simulator/events", { method: "POST", headers, body: `{"type":"policy.issue","data":${nested(depth)}}` }));
    expect(response.status).toBe(400);
    expect((await response.json()).issues).toEqual([expect.objectContaining({ path: "/data", rule: "maxDepth" })]);
    expect(simulator.snapshot().webhooks[0]!.diverted).toEqual([]);
    expect((await simulator.handle(new Request("http://sim.test/_simulator/state", { headers }))).status).toBe(200);
  });

  it("the bound admits realistic nesting, and refuses one level more in emit() and restore()", async () => {
    const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/" } });
    const value = (depth: number) => JSON.parse(nested(depth)) as Record<string, unknown>;
    await expect(simulator.emit("policy.issue", { data: value(MAX_JSON_DEPTH) })).resolves.toBeDefined();
    await expect(simulator.emit("policy.issue", { data: value(MAX_JSON_DEPTH + 1) })).rejects.toThrow(ContractValidationError);
    const state: SimulatorState = {
      version: 1,
      integrations: [{ name: "svc", url: "http://127.0.0.1:9/", headers: {} }],
      webhooks: [{ webhook: { name: "w", enabled: true, events: ["policy.issue"], failureHandling: { actOnStatusCodes: [], actOnTimeout: false, mode: "divert" }, integrationName: "svc", retryStrategy: "none", suspended: false }, diverted: [{ eventId: "e", eventType: "policy.issue", timestamp: "1", data: value(5_000), transactionId: "t", username: "u" }], queued: [] }],
    };
    expect(() => simulator.restore(state)).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: "/webhooks/0/diverted/0/data", rule: "maxDepth" })] }));
  });
});

describe("an integration pointing at the simulator itself", () => {
  it("a delivery to its own resend endpoint is refused, so the loop ends and settled() resolves", async () => {
    const running = await startSimulator({ assume: { retryDelayMs: 0, deliveryTimeoutMs: 2_000 } });
    try {
      const { simulator, url } = running;
      simulator.restore({
        version: 1,
        integrations: [{ name: "self", url: `${url}/webhooks/w/diverted/t1/resend`, headers: { authorization: "t" } }],
        webhooks: [{ webhook: { name: "w", enabled: true, events: ["policy.issue"], failureHandling: { actOnStatusCodes: ["500"], actOnTimeout: true, mode: "divert" }, integrationName: "self", retryStrategy: "none", suspended: false }, diverted: [{ eventId: "e1", eventType: "policy.issue", timestamp: "1", data: {}, transactionId: "t1", username: "u" }], queued: [] }],
      });
      const resend = await fetch(`${url}/webhooks/w/diverted/t1/resend`, { method: "POST", headers: { authorization: "t" } });
      expect(resend.status).toBe(200);
      const bound = new Promise<"unbounded">((resolve) => setTimeout(() => resolve("unbounded"), 5_000).unref());
      expect(await Promise.race([simulator.settled().then(() => "settled"), bound])).toBe("settled");
      // The one delivery the resend made was refused as a loop (508), and nothing goes on after it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(simulator.deliveries().map((d) => [d.kind, d.via, d.status, d.outcome])).toEqual([["event", "resend", 508, "dropped"]]);
      expect(simulator.snapshot().webhooks[0]!.diverted.map((e) => e.eventId)).toEqual(["e1"]);
    } finally {
      await running.stop();
    }
  });
});
