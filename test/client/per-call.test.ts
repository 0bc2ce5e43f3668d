// Per-call init values a hostile or careless caller passes: each is read once, own properties
// only, so that what the client checks is what openapi-fetch sends; anything else is a typed
// refusal naming the field, with nothing sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhooksClient, WebhooksRequestError } from "../../src/index.js";
import webhook from "./fixtures/webhook.json" with { type: "json" };
import { caught, json, startTestServer } from "./test-server.js";

let server: Awaited<ReturnType<typeof startTestServer>>;
let elsewhere: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  [server, elsewhere] = await Promise.all([startTestServer(), startTestServer()]);
});
afterAll(() => Promise.all([server.close(), elsewhere.close()]));

type Call = (path: string, init?: unknown) => Promise<{ response: Response; data?: unknown }>;
const client = () => createWebhooksClient({ baseUrl: server.url, token: "per-call-token", retry: false }) as unknown as Record<"GET" | "DELETE", Call>;
const ok = () => server.answer((_request, response) => json(response, 200, webhook));

/** An object whose `key` reads `first`, then `then` ever after. */
function twoFaced(base: object, key: string, first: unknown, then: unknown): object {
  let reads = 0;
  return Object.defineProperty(base, key, { enumerable: true, get: () => (reads++ === 0 ? first : then) });
}

describe("per-call init is read once, own properties only", () => {
  it("refuses an init that is a function, whose properties would otherwise skip the checks (a per-call baseUrl took the token elsewhere)", async () => {
    ok();
    elsewhere.answer((_request, response) => json(response, 200, webhook));
    const init = Object.assign(() => undefined, { baseUrl: elsewhere.url });
    const error = await caught(client().GET("/webhooks", init));
    expect(error).toBeInstanceOf(WebhooksRequestError);
    expect(error).toMatchObject({ parameter: "init", rule: "type" });
    expect([server.requests, elsewhere.requests]).toEqual([[], []]);
  });

  it("checks the per-call options it sends: a getter cannot answer the check with one value and openapi-fetch with another", async () => {
    ok();
    elsewhere.answer((_request, response) => json(response, 200, webhook));
    await client().GET("/webhooks", twoFaced({}, "baseUrl", undefined, elsewhere.url));
    expect([server.requests.length, elsewhere.requests.length]).toEqual([1, 0]);
  });

  it("sends the path value it checked, whatever a getter answers next", async () => {
    ok();
    const path = twoFaced({ transactionId: "tx-1" }, "name", "policy-events", "..");
    await client().DELETE("/webhooks/{name}/diverted/{transactionId}", { params: { path } });
    expect(server.requests.map((request) => request.url)).toEqual(["/webhooks/policy-events/diverted/tx-1"]);
  });

  it("sends the query value it checked, whatever a Proxy answers next", async () => {
    ok();
    let reads = 0;
    const query = new Proxy({ limit: 5 }, { get: (target, key) => (key === "limit" && reads++ > 0 ? 0 : Reflect.get(target, key)) });
    await client().GET("/webhooks/{name}/diverted", { params: { path: { name: "w" }, query } });
    expect(server.requests.map((request) => request.url)).toEqual(["/webhooks/w/diverted?limit=5"]);
  });

  it("never sends an inherited query, or inherited query values, unchecked", async () => {
    ok();
    const params = Object.assign(Object.create({ query: { limit: 0 } }), { path: { name: "w" } });
    await client().GET("/webhooks/{name}/diverted", { params });
    await client().GET("/webhooks/{name}/diverted", { params: { path: { name: "w" }, query: Object.create({ limit: 0, offset: -1 }) } });
    expect(server.requests.map((request) => request.url)).toEqual(["/webhooks/w/diverted", "/webhooks/w/diverted"]);
  });

  it("never takes an inherited header", async () => {
    ok();
    const params = Object.create({ header: { Authorization: "someone-else" } });
    await client().GET("/webhooks", { params });
    expect(server.requests.map((request) => request.headers.authorization)).toEqual(["per-call-token"]);
  });

  it("takes a null params as none (openapi-fetch read its header, a TypeError)", async () => {
    ok();
    await client().GET("/webhooks", { params: null });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    { case: "a string init", init: "limit=1", parameter: "init" },
    { case: "a string params", init: { params: "name=w" }, parameter: "params" },
    { case: "a string query", init: { params: { path: { name: "w" }, query: "limit=0" } }, parameter: "params.query" },
    { case: "a nested query value", init: { params: { path: { name: "w" }, query: { deep: { er: { still: 1 } } } } }, parameter: "params.query" },
    { case: "a symbol query value", init: { params: { path: { name: "w" }, query: { tag: Symbol("s") } } }, parameter: "params.query" },
  ])("refuses $case with a typed error naming it", async ({ init, parameter }) => {
    ok();
    const error = await caught(client().GET("/webhooks/{name}/diverted", init));
    expect(error).toBeInstanceOf(WebhooksRequestError);
    expect(error).toMatchObject({ parameter, rule: "type" });
    expect(server.requests).toEqual([]);
  });

  it("sends undeclared query values as openapi-fetch does: scalars, and arrays repeated", async () => {
    ok();
    await client().GET("/webhooks/{name}/diverted", { params: { path: { name: "w" }, query: { limit: 2, tag: ["a b", 3], flag: true, skip: undefined } } });
    expect(server.requests.map((request) => request.url)).toEqual(["/webhooks/w/diverted?limit=2&tag=a%20b&tag=3&flag=true"]);
  });
});

describe("per-call headers", () => {
  const SECRET = "hdr-secret-40e7";
  const everything = (error: Error) => [error.message, error.stack, String((error as { cause?: unknown }).cause)].join("\n");

  it.each([
    { case: "a control character fetch would refuse as a network failure", headers: { "X-Trace": `${SECRET}\x01` }, rule: "header-value" },
    { case: "DEL", headers: { "X-Trace": `${SECRET}\x7f` }, rule: "header-value" },
    { case: "a name no header can have", headers: { [`X ${SECRET}`]: "v" }, rule: "header-name" },
    { case: "a symbol", headers: { "X-Trace": Symbol(SECRET) }, rule: "type" },
    { case: "an object", headers: { "X-Trace": { toString: (): string => SECRET } }, rule: "type" },
    { case: "an array of pairs (openapi-fetch sends them as a header named 0)", headers: [["X-Trace", SECRET]], rule: "type" },
    { case: "a pair whose name would be sent as a value", headers: [[`${SECRET}\r\nX-Evil: 1`, "v"]], rule: "type" },
  ])("refuses $case, typed and without quoting it", async ({ headers, rule }) => {
    ok();
    for (const init of [{ headers }, { params: { header: headers } }]) {
      const error = await caught(client().GET("/webhooks", init));
      expect(error).toBeInstanceOf(WebhooksRequestError);
      expect(error).toMatchObject({ parameter: "headers" in init ? "headers" : "params.header", rule });
      expect(everything(error)).not.toContain(SECRET);
    }
    expect(server.requests).toEqual([]);
  });

  it("sends what it checked, whatever a getter answers next", async () => {
    ok();
    await client().GET("/webhooks", { headers: twoFaced({}, "X-Trace", "t-1", `${SECRET}\r\n`) });
    expect(server.requests.map((request) => request.headers["x-trace"])).toEqual(["t-1"]);
  });

  it("sends tabs, Latin-1, numbers, booleans and lists, and null removes a header", async () => {
    ok();
    await client().GET("/webhooks", { headers: { "X-A": "a\tb", "X-B": "caf\u00e9", "X-C": 3, "X-D": true, "X-E": ["1", 2], Authorization: null } });
    const [headers] = server.requests.map((request) => request.headers);
    expect(headers).toMatchObject({ "x-a": "a\tb", "x-b": "caf\u00e9", "x-c": "3", "x-d": "true", "x-e": "1, 2" });
    expect(headers!.authorization).toBeUndefined();
  });
});

describe("per-call parseAs, signal and body", () => {
  it.each(["toString", "hasOwnProperty", "constructor", "__proto__", "clone", "formData", "bogus", 5])("refuses parseAs %j: openapi-fetch would call response[parseAs](), looked up through the prototypes", async (parseAs) => {
    ok();
    const error = await caught(client().GET("/webhooks", { parseAs }));
    expect(error).toBeInstanceOf(WebhooksRequestError);
    expect(error).toMatchObject({ parameter: "parseAs", rule: "enum" });
    expect(server.requests).toEqual([]);
  });

  it.each(["json", "text", "blob", "arrayBuffer", "stream"])("takes parseAs %j", async (parseAs) => {
    ok();
    const { data } = await client().GET("/webhooks", { parseAs });
    expect(data).toBeDefined();
    if (data instanceof ReadableStream) await data.cancel();
  });

  it.each([
    { case: "a string", signal: "abort" },
    { case: "an object that looks aborted", signal: { aborted: true, reason: new Error("not a signal") } },
  ])("refuses a signal that is $case", async ({ signal }) => {
    ok();
    const error = await caught(client().GET("/webhooks", { signal }));
    expect(error).toBeInstanceOf(WebhooksRequestError);
    expect(error).toMatchObject({ parameter: "signal", rule: "type" });
    expect(server.requests).toEqual([]);
  });

  it("refuses a body for an operation that takes none (a GET's was fetch's TypeError)", async () => {
    ok();
    for (const call of [() => client().GET("/webhooks", { body: { a: 1 } }), () => client().DELETE("/webhooks/{name}", { params: { path: { name: "w" } }, body: "x" })]) {
      expect(await caught(call())).toMatchObject({ name: "WebhooksRequestError", parameter: "body", rule: "no-body" });
    }
    expect(server.requests).toEqual([]);
  });
});

describe("client.request", () => {
  it.each([["a huge method", "G".repeat(100_000)], ["a method with CR LF", "GET\r\nX-Evil: 1"]])("refuses %s without quoting it", async (_label, method) => {
    const request = createWebhooksClient({ baseUrl: server.url, token: "t" }).request as unknown as (method: string, url: string) => Promise<unknown>;
    const error = await caught(request(method, "/webhooks"));
    expect(error).toMatchObject({ name: "WebhooksRequestError", rule: "operation" });
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).not.toContain("X-Evil");
  });
});
