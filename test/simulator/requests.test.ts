// Every request checked against the contract: bad ones get the declared 4xx naming the field and
// the rule; odd names, huge bodies and prototype keys are plain data.
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../generated/operations.js";
import { ContractValidationError } from "../../src/index.js";
import { createSimulator } from "../../src/simulator/index.js";

const base = "http://simulator.test";
const auth = { authorization: "t", "content-type": "application/json" };

function make(options: Parameters<typeof createSimulator>[0] = {}) {
  const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/events" }, ...options });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) => {
    const response = await simulator.handle(new Request(`${base}${path}`, { method, headers, ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }) }));
    const text = await response.text();
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text), headers: response.headers };
  };
  return { simulator, call };
}

describe("routing from the operations table", () => {
  it("serves every operation of the table, and nothing else under the platform's paths", async () => {
    const { call } = make();
    for (const entry of OPERATIONS) {
      await call("PUT", "/webhooks", { name: "a", integrationName: "svc" });
      const path = entry.path.replace("{name}", "a").replace("{transactionId}", "none");
      const { status, body } = await call(entry.method, path, entry.requestBody ? { name: "a", integrationName: "svc" } : undefined);
      // No diverted event has the transaction id "none": the operations that look one up answer 404.
      expect(status, entry.operationId).toBe(entry.pathParameters.some((p) => p.name === "transactionId") ? 404 : entry.successStatuses[0]);
      expect(body === undefined, entry.operationId).toBe(entry.responseBody === null && status === 200);
    }
    expect((await call("GET", "/nothing")).status).toBe(404);
    const wrongMethod = await call("POST", "/webhooks/a");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, DELETE");
  });
});

describe("the simulator's own routes, a table like the operations", () => {
  it("answers 405 with Allow for a known path and another method, 404 for an unknown path", async () => {
    const { call } = make();
    const wrong = await call("DELETE", "/_simulator/assumptions");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
    expect((await call("PATCH", "/_simulator/integrations/svc")).headers.get("allow")).toBe("GET, PUT, DELETE");
    const unknown = await call("GET", "/_simulator/nothing");
    expect(unknown.status).toBe(404);
    // The simulator's endpoints are listed in docs/simulator.md (the README no longer has them).
    expect(unknown.body.message).toBe("No such simulator endpoint: the endpoints are listed in docs/simulator.md");
    expect((await call("GET", "/_simulator/integrations/svc/extra")).status).toBe(404);
    expect((await call("GET", "/_simulator/integrations/%E0%A4%A")).body.issues[0]).toMatchObject({ path: "path parameter name", rule: "format" });
    expect((await call("GET", "/_simulator/assumptions", undefined, {})).status).toBe(200);
    expect((await make({ tokens: ["right"] }).call("DELETE", "/_simulator/assumptions", undefined, {})).status).toBe(401);
  });
});

describe("bad requests", () => {
  it("401 without a token, and with a wrong one when tokens are set", async () => {
    expect((await make().call("GET", "/webhooks", undefined, {})).status).toBe(401);
    const { call } = make({ tokens: ["right"] });
    expect((await call("GET", "/webhooks", undefined, { authorization: "wrong" })).status).toBe(401);
    expect((await call("GET", "/webhooks", undefined, { authorization: "right" })).status).toBe(200);
    expect(JSON.stringify((await call("GET", "/webhooks", undefined, { authorization: "wrong" })).body)).not.toContain("wrong");
    expect(() => createSimulator({ tokens: "right" as never })).toThrow("`tokens` must be an array of non-empty strings");
    expect(() => createSimulator({ tokens: [""] })).toThrow("`tokens` must be an array");
    expect(() => createSimulator({ fetch: "fetch" as never })).toThrow("`fetch` must be a function");
    expect(() => createSimulator({ integrations: ["http://x/"] as never })).toThrow("`integrations` must be an object");
    expect(() => createSimulator({ limits: { maxWebhooks: 0 } })).toThrow('limit "maxWebhooks" must be a positive integer');
    expect(() => createSimulator({ limits: { maxHooks: 1 } as never })).toThrow('unknown limit "maxHooks"');
  });

  it("400 naming the field and the rule for a body that breaks WebhookRequest", async () => {
    const { call } = make();
    const { status, body } = await call("PUT", "/webhooks", { name: "a", integrationName: "svc", failureHandling: { mode: "sometimes" }, colour: "red" });
    expect(status).toBe(400);
    expect(body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/failureHandling/mode", rule: "enum" }),
        expect.objectContaining({ path: "/colour", rule: "additionalProperties" }),
      ]),
    );
    expect((await call("PUT", "/webhooks", "{oops")).body.issues[0]).toMatchObject({ rule: "json" });
    expect((await call("PUT", "/webhooks", "name=a", { ...auth, "content-type": "text/plain" })).body.issues[0]).toMatchObject({ rule: "content-type" });
    expect((await call("PUT", "/webhooks")).body.issues[0]).toMatchObject({ rule: "required" });
  });

  it("400 for an integration the simulator does not know (assumption unknownIntegration)", async () => {
    const { call } = make();
    expect((await call("PUT", "/webhooks", { name: "a", integrationName: "nowhere" })).body.issues[0]).toMatchObject({ path: "/integrationName", rule: "integration" });
    expect((await call("PUT", "/webhooks", { name: "a" })).body.issues[0]).toMatchObject({ path: "/integrationName", rule: "required" });
    const lenient = make({ assume: { unknownIntegration: "accept" } });
    expect((await lenient.call("PUT", "/webhooks", { name: "a" })).body).toMatchObject({ integrationName: "" });
    expect((await lenient.simulator.emit("policy.issue")).outcomes).toEqual([]);
  });

  it("400 for path and query parameters outside the table's rules", async () => {
    const { call } = make();
    await call("PUT", "/webhooks", { name: "a", integrationName: "svc" });
    for (const [query, rule] of [["limit=0", "minimum"], ["limit=10001", "maximum"], ["limit=1.5", "type"], ["offset=-1", "minimum"], ["limit=abc", "type"], ["limit=1&limit=2", "single"], ["limit=", "type"]] as const) {
      const { status, body } = await call("GET", `/webhooks/a/diverted?${query}`);
      expect(status, query).toBe(400);
      expect(body.issues[0], query).toMatchObject({ rule });
    }
    expect((await call("GET", `/webhooks/${"x".repeat(1025)}`)).body.issues[0]).toMatchObject({ path: "path parameter name", rule: "maxLength" });
    expect((await call("GET", "/webhooks/%E0%A4%A")).body.issues[0]).toMatchObject({ rule: "encoding" });
    expect((await call("GET", "/webhooks/")).status).toBe(400);
    expect((await call("GET", "/webhooks/missing")).status).toBe(404);
  });

  it("refuses a body over the limit without reading it all", async () => {
    const { call } = make({ limits: { maxBodyBytes: 1000 } });
    const { status, body } = await call("PUT", "/webhooks", { name: "a", integrationName: "svc", displayName: "x".repeat(2000) });
    expect(status).toBe(400);
    expect(body.issues[0]).toMatchObject({ rule: "size" });
    // An endless body: the stream is cancelled after the limit.
    let pulled = 0;
    const endless = new ReadableStream({ pull: (controller) => void (pulled += 1, controller.enqueue(new Uint8Array(100))) });
    const simulator = createSimulator({ limits: { maxBodyBytes: 1000 } });
    const response = await simulator.handle(new Request(`${base}/webhooks`, { method: "PUT", headers: auth, body: endless, duplex: "half" } as RequestInit));
    expect(response.status).toBe(400);
    expect(pulled).toBeLessThan(20);
  });

  it("bounds the number of webhooks and integrations", async () => {
    const { simulator, call } = make({ limits: { maxWebhooks: 2, maxIntegrations: 2 } });
    for (const name of ["a", "b"]) expect((await call("PUT", "/webhooks", { name, integrationName: "svc" })).status).toBe(200);
    expect((await call("PUT", "/webhooks", { name: "c", integrationName: "svc" })).body.issues[0]).toMatchObject({ rule: "maxWebhooks" });
    expect((await call("PUT", "/webhooks", { name: "a", integrationName: "svc", displayName: "replaced" })).status).toBe(200);
    simulator.setIntegration("second", { url: "http://127.0.0.1:9/" });
    expect(() => simulator.setIntegration("third", { url: "http://127.0.0.1:9/" })).toThrow(ContractValidationError);
  });
});

describe("prototype names are plain names", () => {
  it.each(["__proto__", "constructor", "toString", "hasOwnProperty"])("a webhook and an integration named %s", async (name) => {
    const { simulator, call } = make();
    expect((await call("PUT", `/_simulator/integrations/${name}`, { url: "http://127.0.0.1:9/x", headers: { [name]: "v" } })).status).toBe(200);
    expect((await call("GET", `/webhooks/${name}`)).status).toBe(404);
    const put = await call("PUT", "/webhooks", { name, integrationName: name, alertIntegrationName: name });
    expect(put.body).toMatchObject({ name, integrationName: name });
    expect((await call("GET", `/webhooks/${name}`)).body.name).toBe(name);
    expect((await call("GET", "/webhooks")).body.webhooks.map((w: { name: string }) => w.name)).toEqual([name]);
    expect(simulator.snapshot().integrations.find((i) => i.name === name)?.headers).toEqual({ [name]: "v" });
    expect((await call("DELETE", `/webhooks/${name}`)).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("integrations", () => {
  it("never sends socotra-signature, nor lets an integration set the simulator's own headers", async () => {
    const { call } = make();
    for (const header of ["socotra-signature", "Socotra-Signature", "content-length", "host"]) {
      const { status, body } = await call("PUT", "/_simulator/integrations/x", { url: "http://127.0.0.1:9/", headers: { [header]: "v" } });
      expect(status, header).toBe(400);
      expect(body.issues[0]).toMatchObject({ rule: "reserved" });
    }
    for (const [value, rule] of [[{ url: "ftp://x" }, "format"], [{ url: "http://user:pw@x/" }, "credentials"], [{ url: "http://x/", headers: { "a b": "v" } }, "name"], [{ url: "http://x/", headers: { a: "v\r\nb: c" } }, "value"], [{ url: "http://x/", headers: { a: "emoji 🙂" } }, "value"], [{ url: "http://x/", extra: 1 }, "additionalProperties"]] as const) {
      const { status, body } = await call("PUT", "/_simulator/integrations/x", value);
      expect(status).toBe(400);
      expect(body.issues[0]).toMatchObject({ rule });
    }
  });

  it("emits only known event types with a data object", async () => {
    const { simulator, call } = make();
    const { status, body } = await call("POST", "/_simulator/events", { type: "policy.teleport", data: [], extra: 1 });
    expect(status).toBe(400);
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["/data", "/extra", "/type"]);
    await expect(simulator.emit("policy.teleport" as "policy.issue")).rejects.toThrow(ContractValidationError);
  });

  it("an event id already held as a diverted event is refused, never reported diverted and lost", async () => {
    const { simulator, call } = make({ assume: { retryDelayMs: 0 }, fetch: async () => new Response(null, { status: 500 }) });
    await call("PUT", "/webhooks", { name: "w", integrationName: "svc", events: ["policy.issue"], failureHandling: { mode: "divert", actOnStatusCodes: ["500"] } });
    expect((await simulator.emit("policy.issue", { id: "e1", transactionId: "a" })).outcomes).toEqual([{ webhookName: "w", outcome: "diverted" }]);
    const again = await call("POST", "/_simulator/events", { type: "policy.issue", id: "e1", transactionId: "b" });
    expect(again.status).toBe(400);
    expect(again.body.issues.map((i: { path: string; rule: string }) => [i.path, i.rule])).toEqual([["/id", "unique"]]);
    // Two raised at once with one id: the second cannot be kept under the first's id, and says so.
    const both = await Promise.all(["c", "d"].map((transactionId) => simulator.emit("policy.issue", { id: "e2", transactionId })));
    expect(both.map((result) => result.outcomes[0]!.outcome).sort()).toEqual(["diverted", "dropped"]);
    const diverted = simulator.snapshot().webhooks[0]!.diverted;
    expect(diverted.map((event) => [event.eventId, event.transactionId])).toEqual([["e1", "a"], ["e2", both.find((r) => r.outcomes[0]!.outcome === "diverted")!.event.transactionId]]);
  });
});
