// Deliveries over real sockets: what goes on the wire, and how resets, timeouts, endless answers
// and redirects end; then each assumption's effect.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSimulator, type SimulatorOptions } from "../../src/simulator/index.js";

type Script = (request: IncomingMessage, response: ServerResponse, body: string) => void;
const seen: { headers: IncomingMessage["headers"]; body: string; path: string }[] = [];
let script: Script[] = [];
let url: string;
const server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", () => {
    seen.push({ headers: request.headers, body, path: request.url ?? "" });
    // The script steers deliveries; alerts are always answered 200.
    ((request.url === "/events" ? script.shift() : undefined) ?? ((_, res) => res.writeHead(200).end()))(request, response, body);
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Warm fetch up once, so that no test's first delivery pays for loading it.
  await (await fetch(`${url}/warm-up`, { method: "POST" })).arrayBuffer();
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  seen.length = 0;
  script = [];
});

const reset: Script = (request) => request.socket.destroy();
const silent: Script = () => {};
const STALL_MS = { deliveryTimeoutMs: 300 };
const status = (code: number): Script => (_, response) => response.writeHead(code).end();

async function withWebhook(failureHandling: object, options: SimulatorOptions = {}, extra: object = {}) {
  const simulator = createSimulator({
    ...options,
    integrations: { svc: { url: `${url}/events`, headers: { "x-api-key": "secret" } }, alerts: `${url}/alerts` },
    // A short timeout only where a test makes the receiver stall (STALL_MS); a busy machine must not turn a slow answer into a timeout.
    assume: { retryDelayMs: 0, deliveryTimeoutMs: 5_000, ...options.assume },
  });
  const response = await simulator.handle(
    new Request("http://sim.test/webhooks", {
      method: "PUT",
      headers: { authorization: "t", "content-type": "application/json" },
      body: JSON.stringify({ name: "w", integrationName: "svc", alertIntegrationName: "alerts", events: ["policy.issue"], failureHandling, ...extra }),
    }),
  );
  expect(response.status).toBe(200);
  return simulator;
}
const call = (simulator: ReturnType<typeof createSimulator>, method: string, path: string) => simulator.handle(new Request(`http://sim.test${path}`, { method, headers: { authorization: "t" } }));

describe("on the wire", () => {
  it("POSTs the WebhookPayload as JSON with the integration's headers, never socotra-signature", async () => {
    const simulator = await withWebhook({ mode: "divert" });
    const { event } = await simulator.emit("policy.issue", { data: { policyLocator: "1" }, username: "jane", transactionId: "tx" });
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0]!.body)).toEqual(event);
    expect(event).toMatchObject({ type: "policy.issue", username: "jane", transactionId: "tx", timestamp: expect.stringMatching(/^\d+$/) });
    expect(seen[0]!.headers).toMatchObject({ "content-type": "application/json", "x-api-key": "secret" });
    expect(seen[0]!.headers).not.toHaveProperty("socotra-signature");
  });

  it("omits the integration's headers under integrationHeaders=omit", async () => {
    const simulator = await withWebhook({}, { assume: { integrationHeaders: "omit" } });
    await simulator.emit("policy.issue");
    expect(seen[0]!.headers).not.toHaveProperty("x-api-key");
  });

  it("retries through a reset, a timeout and a 503, and journals each attempt", async () => {
    script = [reset, silent, status(503)];
    const simulator = await withWebhook({ mode: "divert", actOnStatusCodes: ["503"], actOnTimeout: true }, { assume: STALL_MS }, { retryStrategy: "three" });
    const { outcomes } = await simulator.emit("policy.issue");
    expect(outcomes[0]!.outcome).toBe("delivered");
    expect(simulator.deliveries().map((d) => [d.attempt, d.status, d.error, d.outcome ?? null])).toEqual([
      [1, null, "no-answer", null],
      [2, null, "timeout", null],
      [3, 503, null, null],
      [4, 200, null, "delivered"],
    ]);
  });

  it("reads at most 64 KiB of an endless answer, and does not follow redirects", async () => {
    script = [
      (_, response) => {
        response.writeHead(200);
        const chunk = "x".repeat(16_384);
        const pump = () => {
          while (response.write(chunk));
          response.once("drain", pump);
        };
        pump();
      },
      (_, response) => response.writeHead(302, { location: `${url}/elsewhere` }).end(),
    ];
    const simulator = await withWebhook({ mode: "divert", actOnStatusCodes: ["302"] });
    expect((await simulator.emit("policy.issue")).outcomes[0]!.outcome).toBe("delivered");
    expect((await simulator.emit("policy.issue")).outcomes[0]!.outcome).toBe("diverted");
    expect(seen.map((s) => s.path)).toEqual(["/events", "/events", "/alerts"]);
  });

  it("ends an attempt whose receiver never answers at deliveryTimeoutMs, with a failure alert", async () => {
    script = [silent];
    const simulator = await withWebhook({ mode: "divert", actOnTimeout: true }, { assume: STALL_MS });
    const started = performance.now();
    expect((await simulator.emit("policy.issue")).outcomes[0]!.outcome).toBe("diverted");
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(JSON.parse(seen.find((s) => s.path === "/alerts")!.body)).toMatchObject({ actualStatus: "timeout", expectedStatus: "200", url: `${url}/events` });
  });
});

describe("assumptions at work", () => {
  it("unlistedStatus: ignore drops an unlisted 500 without alert; act diverts it", async () => {
    script = [status(500)];
    const ignoring = await withWebhook({ mode: "divert", actOnStatusCodes: ["503"] });
    expect((await ignoring.emit("policy.issue")).outcomes[0]!.outcome).toBe("dropped");
    expect(seen.filter((s) => s.path === "/alerts")).toEqual([]);
    script = [status(500)];
    const acting = await withWebhook({ mode: "divert", actOnStatusCodes: ["503"] }, { assume: { unlistedStatus: "act" } });
    expect((await acting.emit("policy.issue")).outcomes[0]!.outcome).toBe("diverted");
  });

  it("networkError: as-timeout acts on a reset only with actOnTimeout", async () => {
    script = [reset];
    const simulator = await withWebhook({ mode: "divert", actOnTimeout: false }, { assume: { networkError: "as-timeout" } });
    expect((await simulator.emit("policy.issue")).outcomes[0]!.outcome).toBe("dropped");
  });

  it("modeNone: drop, or divert", async () => {
    script = [status(500), status(500)];
    const dropping = await withWebhook({ mode: "none", actOnStatusCodes: ["500"] });
    expect((await dropping.emit("policy.issue")).outcomes[0]!.outcome).toBe("dropped");
    const diverting = await withWebhook({ mode: "none", actOnStatusCodes: ["500"] }, { assume: { modeNone: "divert" } });
    expect((await diverting.emit("policy.issue")).outcomes[0]!.outcome).toBe("diverted");
  });

  it("failureAlerts: per-attempt alerts each failed attempt", async () => {
    script = [status(500), status(500)];
    const simulator = await withWebhook({ mode: "divert", actOnStatusCodes: ["500"] }, { assume: { failureAlerts: "per-attempt" } }, { retryStrategy: "one" });
    await simulator.emit("policy.issue");
    expect(seen.filter((s) => s.path === "/alerts")).toHaveLength(2);
  });

  it("resend: keep leaves a delivered event listed; a failed resend stays listed by default", async () => {
    script = [status(500)];
    const keeping = await withWebhook({ mode: "divert", actOnStatusCodes: ["500"] }, { assume: { resend: "keep" } });
    await keeping.emit("policy.issue", { transactionId: "tx" });
    expect((await call(keeping, "POST", "/webhooks/w/diverted/tx/resend")).status).toBe(200);
    expect((await (await call(keeping, "GET", "/webhooks/w/diverted")).json()).events).toHaveLength(1);

    script = [status(500), status(500)];
    const simulator = await withWebhook({ mode: "divert", actOnStatusCodes: ["500"] });
    await simulator.emit("policy.issue", { transactionId: "tx" });
    await call(simulator, "POST", "/webhooks/w/diverted/tx/resend");
    expect((await (await call(simulator, "GET", "/webhooks/w/diverted")).json()).events).toHaveLength(1);
  });

  it("transactionIdMatches and divertedPageSize: one transaction, several events, paged", async () => {
    script = [status(500), status(500), status(500)];
    const simulator = await withWebhook({ mode: "divert", actOnStatusCodes: ["500"] }, { assume: { transactionIdMatches: "oldest", divertedPageSize: 2 } });
    for (const id of ["a", "b", "c"]) await simulator.emit("policy.issue", { id, transactionId: "same" });
    const page = await (await call(simulator, "GET", "/webhooks/w/diverted")).json();
    expect(page.events.map((e: { eventId: string }) => e.eventId)).toEqual(["a", "b"]);
    const next = await (await call(simulator, "GET", "/webhooks/w/diverted?offset=2")).json();
    expect(next.events.map((e: { eventId: string }) => e.eventId)).toEqual(["c"]);
    await call(simulator, "DELETE", "/webhooks/w/diverted/same");
    expect((await (await call(simulator, "GET", "/webhooks/w/diverted")).json()).events.map((e: { eventId: string }) => e.eventId)).toEqual(["b", "c"]);
  });

  it("update: replace resets omitted fields to their defaults; merge keeps them", async () => {
    const put = (simulator: ReturnType<typeof createSimulator>, body: object) =>
      simulator.handle(new Request("http://sim.test/webhooks", { method: "PUT", headers: { authorization: "t", "content-type": "application/json" }, body: JSON.stringify(body) })).then((r) => r.json());
    const replacing = await withWebhook({ mode: "divert" }, { assume: { "defaults.retryStrategy": "three" } }, { displayName: "first" });
    expect(await put(replacing, { name: "w", integrationName: "svc" })).toMatchObject({ events: [], retryStrategy: "three", failureHandling: { mode: "none", actOnStatusCodes: [], actOnTimeout: false } });
    const merging = await withWebhook({ mode: "divert" }, { assume: { update: "merge" } }, { displayName: "first" });
    expect(await put(merging, { name: "w", enabled: false })).toMatchObject({ events: ["policy.issue"], displayName: "first", enabled: false, alertIntegrationName: "alerts", failureHandling: { mode: "divert" } });
    expect(await put(merging, { name: "w", resetAlertIntegrationName: true })).not.toHaveProperty("alertIntegrationName");
  });

  it("bounds the diverted events: beyond maxDivertedEvents a failed event ends dropped", async () => {
    script = [status(500), status(500)];
    const simulator = await withWebhook({ mode: "divert", actOnStatusCodes: ["500"] }, { limits: { maxDivertedEvents: 1, maxJournal: 2 } });
    expect((await simulator.emit("policy.issue")).outcomes[0]!.outcome).toBe("diverted");
    expect((await simulator.emit("policy.issue")).outcomes[0]!.outcome).toBe("dropped");
    const journal = await (await call(simulator, "GET", "/_simulator/deliveries")).json();
    expect(journal.total).toBe(2);
  });

  it("bounds the bytes diverted events hold, and frees them with the events", async () => {
    script = [status(500), status(500), status(500)];
    const simulator = await withWebhook({ mode: "divert", actOnStatusCodes: ["500"] }, { limits: { maxRetainedBytes: 1_000 } });
    const big = { blob: "x".repeat(600) };
    expect((await simulator.emit("policy.issue", { data: big, transactionId: "a" })).outcomes[0]!.outcome).toBe("diverted");
    expect((await simulator.emit("policy.issue", { data: big })).outcomes[0]!.outcome).toBe("dropped");
    await call(simulator, "DELETE", "/webhooks/w/diverted/a");
    expect((await simulator.emit("policy.issue", { data: big })).outcomes[0]!.outcome).toBe("diverted");
    // The events log keeps envelopes and outcomes, not data.
    expect(simulator.events().every((logged) => !("data" in logged.event))).toBe(true);
  });

  it("a deleted webhook's pending work ends dropped, and its name can be reused at once", async () => {
    script = [silent];
    const simulator = await withWebhook({ mode: "divert", actOnTimeout: true }, { assume: STALL_MS });
    const pending = simulator.emit("policy.issue");
    await new Promise((resolve) => setTimeout(resolve, 20));
    await call(simulator, "DELETE", "/webhooks/w");
    expect((await pending).outcomes[0]!.outcome).toBe("dropped");
  });
});
