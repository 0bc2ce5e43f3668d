// The client under hostile input: parameters that would change the endpoint, endless and
// compressed bodies, redirects, bad tokens, bad Retry-After values, cancelled waits. Each refusal
// is typed, names the field, and quotes neither the token nor the body.
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { OPERATIONS } from "../../generated/operations.js";
import {
  createWebhooksClient,
  retryAfterMs,
  WebhooksRedirectError,
  WebhooksRequestError,
  WebhooksResponseError,
  WebhooksResponseTooLargeError,
  type ContractViolation,
} from "../../src/index.js";
import webhook from "./fixtures/webhook.json" with { type: "json" };
import { caught, json, startTestServer } from "./test-server.js";

const TOKEN = "hostile-token-5e1b";
const BODY_SECRET = "body-secret-text-81c2";
let server: Awaited<ReturnType<typeof startTestServer>>;
let elsewhere: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  [server, elsewhere] = await Promise.all([startTestServer(), startTestServer()]);
});
afterAll(() => Promise.all([server.close(), elsewhere.close()]));

type Options = Partial<Parameters<typeof createWebhooksClient>[0]>;
const client = (options: Options = {}) => createWebhooksClient({ baseUrl: server.url, token: TOKEN, retry: { baseDelayMs: 1, maxDelayMs: 20 }, ...options });
const untyped = (options: Options = {}) => client(options) as unknown as Record<"GET" | "DELETE", (path: string, init?: object) => Promise<{ response: Response }>>;

const everything = (error: Error) => [error.message, error.stack, String(error), JSON.stringify(error), String((error as { cause?: unknown }).cause)].join("\n");

describe("path parameters never change the endpoint", () => {
  const refused = [
    { case: "`.`", path: { name: "policy-events", transactionId: "." }, parameter: "transactionId", rule: "dot-segment" },
    { case: "`..`", path: { name: "..", transactionId: "tx-1" }, parameter: "name", rule: "dot-segment" },
    { case: "an empty string", path: { name: "", transactionId: "tx-1" }, parameter: "name", rule: "minLength" },
    { case: "a value past maxLength", path: { name: "n".repeat(1025), transactionId: "tx-1" }, parameter: "name", rule: "maxLength" },
    { case: "a number", path: { name: "policy-events", transactionId: 7 }, parameter: "transactionId", rule: "type" },
    { case: "a lone surrogate", path: { name: "a\uD800b", transactionId: "tx-1" }, parameter: "name", rule: "unicode" },
    { case: "a missing one", path: { name: "policy-events" }, parameter: "transactionId", rule: "required" },
    { case: "one inherited, not own", path: Object.create({ name: "policy-events", transactionId: "tx-1" }), parameter: "name", rule: "required" },
  ];
  it.each(refused)("refuses $case before sending anything", async ({ path, parameter, rule }) => {
    server.answer((_request, response) => response.writeHead(200).end());
    const error = await caught(untyped().DELETE("/webhooks/{name}/diverted/{transactionId}", { params: { path } }));
    expect(error).toBeInstanceOf(WebhooksRequestError);
    expect(error).toMatchObject({ method: "DELETE", path: "/webhooks/{name}/diverted/{transactionId}", parameter, rule });
    expect(error.message).toContain(`\`${parameter}\``);
    expect(server.requests).toHaveLength(0);
  });

  it("sends prototype names and percent signs as plain, encoded segments", async () => {
    server.answer((_request, response) => response.writeHead(200).end());
    for (const name of ["__proto__", "constructor", "%2e%2e", ".%2E", "a/../b"]) {
      await client().DELETE("/webhooks/{name}", { params: { path: JSON.parse(JSON.stringify({ name })) } });
    }
    expect(server.requests.map((request) => request.url)).toEqual([
      "/webhooks/__proto__",
      "/webhooks/constructor",
      "/webhooks/%252e%252e",
      "/webhooks/.%252E",
      "/webhooks/a%2F..%2Fb",
    ]);
  });

  it("refuses a path that is not an operation's template, and query values out of the spec's bounds", async () => {
    server.answer((_request, response) => response.writeHead(200).end());
    const concrete = await caught(untyped().DELETE("/webhooks/policy-events"));
    expect(concrete).toMatchObject({ name: "WebhooksRequestError", rule: "operation" });
    for (const limit of [0, 10_001, 1.5, "10"]) {
      const error = await caught(untyped().GET("/webhooks/{name}/diverted", { params: { path: { name: "w" }, query: { limit } } }));
      expect(error).toMatchObject({ name: "WebhooksRequestError", parameter: "limit" });
    }
    expect(server.requests).toHaveLength(0);
  });

  // openapi-fetch takes these per call; each would bypass the client's transport or serializer.
  it.each([
    { option: "fetch", value: (request: Request) => fetch(request) },
    { option: "baseUrl", value: "http://127.0.0.1:1" },
    { option: "pathSerializer", value: () => "http://127.0.0.1:1/x" },
    { option: "Request", value: Request },
  ])("refuses a per-call $option option before sending anything", async ({ option, value }) => {
    server.answer((_request, response) => response.writeHead(200).end());
    elsewhere.answer((_request, response) => response.writeHead(200).end());
    const error = await caught(untyped().GET("/webhooks/{name}", { params: { path: { name: "policy-events" } }, [option]: value }));
    expect(error).toBeInstanceOf(WebhooksRequestError);
    expect(error).toMatchObject({ parameter: option, rule: "per-call-option" });
    expect(error.message).toContain(`\`${option}\` cannot be set per call`);
    expect([server.requests, elsewhere.requests]).toEqual([[], []]);
  });

  it("passes the caller's own options on whatever their names, and takes a null init", async () => {
    server.answer((_request, response) => json(response, 200, webhook));
    const init = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 1, "toString": 1, "headers": {"X-Trace": "t-1"}, "params": {"path": {"name": "policy-events"}}}');
    const { data } = await untyped().GET("/webhooks/{name}", init) as { data?: unknown };
    await untyped().GET("/webhooks", null as unknown as object);
    expect(data).toEqual(webhook);
    expect(server.requests.map((request) => [request.url, request.headers["x-trace"]])).toEqual([["/webhooks/policy-events", "t-1"], ["/webhooks", undefined]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("fills only the template: braces in the base URL are not a parameter", async () => {
    server.answer((_request, response) => json(response, 200, webhook));
    await client({ baseUrl: `${server.url}/{name}` }).GET("/webhooks/{name}", { params: { path: { name: "policy-events" } } });
    expect(server.requests.map((request) => request.url)).toEqual(["/%7Bname%7D/webhooks/policy-events"]);
  });
});

describe("retry rules come from the operations table", () => {
  it.each(OPERATIONS.map((operation) => ({ ...operation, label: `${operation.method} ${operation.path}` })))(
    "$label (x-idempotent: $idempotent) is retried after a 503 only when idempotent",
    async (operation) => {
      server.answer((_request, response, index) => (index === 0 ? json(response, 503, {}) : json(response, 200, webhook)));
      const path = Object.fromEntries(operation.pathParameters.map((parameter) => [parameter.name, "x"]));
      const body = operation.requestBody === null ? undefined : { name: "policy-events", events: ["policy.issue"] };
      const request = client().request as unknown as (method: string, url: string, init: object) => Promise<unknown>;
      await request(operation.method.toLowerCase(), operation.path, { params: { path }, body });
      expect(server.requests).toHaveLength(operation.idempotent ? 2 : 1);
    },
  );
});

describe("answer bodies are bounded", () => {
  const endless = (_request: unknown, response: import("node:http").ServerResponse) => {
    response.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, 32);
    const pump = () => {
      while (!response.destroyed && response.write(chunk));
      if (!response.destroyed) response.once("drain", pump);
    };
    pump();
  };

  it("stops an endless body at maxResponseBytes with a typed error", async () => {
    server.answer(endless);
    const error = await caught(client({ maxResponseBytes: 256 * 1024 }).GET("/webhooks"));
    expect(error).toBeInstanceOf(WebhooksResponseTooLargeError);
    expect(error.message).toContain("maxResponseBytes (262144 bytes)");
  });

  it("refuses a declared Content-Length over the limit without reading it", async () => {
    server.answer((_request, response) => json(response, 500, { message: "x".repeat(5000) }));
    await expect(client({ maxResponseBytes: 1000 }).GET("/webhooks")).rejects.toBeInstanceOf(WebhooksResponseTooLargeError);
  });

  it("counts a compressed body as it decompresses", async () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024, 32));
    server.answer((_request, response) => response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": bomb.length }).end(bomb));
    await expect(client({ maxResponseBytes: 64 * 1024 }).GET("/webhooks")).rejects.toBeInstanceOf(WebhooksResponseTooLargeError);
  });

  it("reads a chunked body under the limit as usual", async () => {
    server.answer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(webhook));
    });
    expect((await client({ maxResponseBytes: 64 * 1024 }).GET("/webhooks/{name}", { params: { path: { name: "a" } } })).data).toEqual(webhook);
  });
});

describe("no redirect is followed", () => {
  it.each([301, 302, 303, 307, 308])("a %i to another origin is a typed error naming it, and nothing reaches that origin", async (status) => {
    server.answer((_request, response) => response.writeHead(status, { location: `${elsewhere.url}/steal` }).end());
    elsewhere.answer((_request, response) => json(response, 200, webhook));
    const error = await caught(client().PUT("/webhooks", { body: { name: "policy-events", events: ["policy.issue"] }, redirect: "follow" }));
    expect(error).toBeInstanceOf(WebhooksRedirectError);
    expect(error).toMatchObject({ status, targetOrigin: elsewhere.url });
    expect(error.message).toContain(`(${status}) to ${elsewhere.url}`);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("refuses a same-origin redirect too", async () => {
    server.answer((_request, response) => response.writeHead(307, { location: "/webhooks/other" }).end());
    await expect(client().GET("/webhooks")).rejects.toMatchObject({ name: "WebhooksRedirectError", targetOrigin: server.url });
    expect(server.requests).toHaveLength(1);
  });
});

describe("the token", () => {
  it.each([
    ["CR LF", `${TOKEN}\r\nX-Evil: 1`],
    ["NUL", `${TOKEN}\0`],
    ["a leading space", ` ${TOKEN}`],
    ["non-ASCII", `${TOKEN}é`],
  ])("with %s is refused at creation, without quoting it", (_label, token) => {
    const error = (() => {
      try {
        createWebhooksClient({ baseUrl: server.url, token });
      } catch (thrown) {
        return thrown as Error;
      }
      throw new Error("expected a refusal");
    })();
    expect(error.message).toContain("`token`");
    expect(everything(error)).not.toContain(TOKEN);
  });

  it("may be a function, called for every attempt", async () => {
    let calls = 0;
    server.answer((_request, response, index) => (index === 0 ? json(response, 503, {}) : json(response, 200, webhook)));
    await client({ token: async () => `token-${++calls}` }).GET("/webhooks");
    expect(server.requests.map((request) => request.headers.authorization)).toEqual(["token-1", "token-2"]);
  });

  it("from a function is checked too, without quoting it", async () => {
    server.answer((_request, response) => response.writeHead(200).end());
    const error = await caught(client({ token: () => `${TOKEN}\n` }).GET("/webhooks"));
    expect(error).toMatchObject({ name: "WebhooksRequestError", parameter: "token" });
    expect(everything(error)).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ["throws a TypeError", () => {
      throw new TypeError("cannot read the token cache");
    }],
    ["rejects with a TypeError", () => Promise.reject(new TypeError("cannot read the token cache"))],
  ])("from a function that %s is a typed refusal, not a network error, and is not retried", async (_label, token) => {
    server.answer((_request, response) => json(response, 200, webhook));
    let calls = 0;
    const error = await caught(client({ token: () => (calls++, token()) }).GET("/webhooks"));
    expect(error).toMatchObject({ name: "WebhooksRequestError", parameter: "token", rule: "token-function" });
    expect((error as Error & { cause?: Error }).cause?.message).toBe("cannot read the token cache");
    expect(calls).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  it("given per call in a header no request can carry is refused before anything is built, without quoting it", async () => {
    server.answer((_request, response) => json(response, 200, webhook));
    // An array of pairs is refused whole (openapi-fetch would send its pairs as headers named 0, 1...).
    for (const [headers, rule] of [[{ Authorization: `${TOKEN}\nX-Evil: 1` }, "header-value"], [new Headers([["x-api-key", "k"]]), ""], [[["Authorization", `${TOKEN}\0`]], "type"]] as const) {
      const call = (untyped().GET as (path: string, init: object) => Promise<unknown>)("/webhooks", { headers });
      if (headers instanceof Headers) {
        await call; // a Headers object holds valid values only
        continue;
      }
      const error = await caught(call);
      expect(error).toMatchObject({ name: "WebhooksRequestError", parameter: "headers", rule });
      expect(everything(error)).not.toContain(TOKEN);
    }
    expect(server.requests).toHaveLength(1);
  });

  it("given per call in `params.header`, which openapi-fetch sends as headers too, is refused the same way", async () => {
    server.answer((_request, response) => json(response, 200, webhook));
    const error = await caught(untyped().GET("/webhooks", { params: { header: { Authorization: `${TOKEN}\r\nX-Evil: 1` } } }));
    expect(error).toMatchObject({ name: "WebhooksRequestError", parameter: "params.header", rule: "header-value" });
    expect(everything(error)).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(0);
  });

  it("an error a middleware throws is its own: neither retried nor reported as a network failure", async () => {
    server.answer((_request, response) => json(response, 200, webhook));
    let calls = 0;
    const withBug = client();
    withBug.use({
      onRequest: () => {
        calls += 1;
        throw new TypeError("bug in a middleware");
      },
    });
    const error = await caught(withBug.GET("/webhooks"));
    expect([error.name, error.message, calls]).toEqual(["TypeError", "bug in a middleware", 1]);
    expect(server.requests).toHaveLength(0);
  });

  it("and the body never appear in an error about a non-JSON success body", async () => {
    server.answer((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end(`<html>${BODY_SECRET}`));
    const error = await caught(client().GET("/webhooks"));
    expect(error).toBeInstanceOf(WebhooksResponseError);
    expect(error.message).toContain("answered 200 with a body that is not valid JSON");
    expect(everything(error)).not.toContain(BODY_SECRET);
    expect(everything(error)).not.toContain(TOKEN);
  });

  it("stays out of refusals of credentials in baseUrl", () => {
    expect(() => createWebhooksClient({ baseUrl: `https://user:${TOKEN}@example.com`, token: "t" })).toThrow(/must not hold credentials/);
  });
});

describe("waits are bounded and cancellable", () => {
  it("refuses delays past the timer limit", () => {
    expect(() => client({ timeoutMs: 2 ** 31 })).toThrow(/`timeoutMs`/);
    expect(() => client({ retry: { maxDelayMs: 2 ** 31 } })).toThrow(/`retry.maxDelayMs`/);
    expect(() => client({ retry: { baseDelayMs: Number.NaN } })).toThrow(/`retry.baseDelayMs`/);
    expect(() => client({ maxResponseBytes: 0 })).toThrow(/`maxResponseBytes`/);
  });

  it("takes the largest timeoutMs it accepts at its word: no call times out at once", async () => {
    server.answer((_request, response) => void setTimeout(() => json(response, 200, webhook), 20));
    const patient = client({ timeoutMs: 2 ** 31 - 1 });
    const [first, second] = await Promise.all([patient.GET("/webhooks"), patient.GET("/webhooks", { signal: new AbortController().signal })]);
    expect([first.response.status, second.response.status]).toEqual([200, 200]);
  });

  it("cancels a Retry-After wait the moment the caller aborts", async () => {
    server.answer((_request, response) => json(response, 429, {}, { "retry-after": "60" }));
    const controller = new AbortController();
    const started = Date.now();
    const call = client({ retry: { maxDelayMs: 60_000 } }).GET("/webhooks", { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user cancelled")), 30);
    await expect(call).rejects.toThrow("user cancelled");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
  });

  it("times out a stalled call without touching one that started with it and was answered", async () => {
    server.answer((_request, response, index) => (index === 0 ? json(response, 200, webhook) : undefined));
    const together = client({ timeoutMs: 100, retry: false });
    const [answered, stalled] = await Promise.allSettled([together.GET("/webhooks"), new Promise((resolve) => setTimeout(resolve, 5)).then(() => together.GET("/webhooks"))]);
    expect(answered).toMatchObject({ status: "fulfilled", value: { data: webhook } });
    expect(stalled).toMatchObject({ status: "rejected", reason: { name: "WebhooksTimeoutError", timeoutMs: 100 } });
  });

  it("times out an attempt whose request a middleware replaced", async () => {
    server.answer(() => undefined); // never answers
    const replacing = client({ timeoutMs: 100 });
    replacing.use({ onRequest: ({ request }) => new Request(request) });
    await expect(replacing.GET("/webhooks")).rejects.toMatchObject({ name: "WebhooksTimeoutError", timeoutMs: 100 });
  });

  it.each(["-1", "1, 2", "soon", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT, 5", ""])("reads Retry-After %j as absent, so the backoff applies", (value) => {
    expect(retryAfterMs(value)).toBeUndefined();
  });

  it("reads seconds and HTTP dates", () => {
    expect(retryAfterMs("120")).toBe(120_000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:30 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(30_000);
  });
});

describe("violations", () => {
  it("come with every answer, read from Prism's sl-violations header", async () => {
    const header = JSON.stringify([{ location: ["request", "path", "name"], severity: "Error", code: "maxLength", message: "must NOT have more than 10 characters" }]);
    server.answer((_request, response) => json(response, 404, { message: "Webhook not found" }, { "sl-violations": header }));
    const { error, violations } = await client().GET("/webhooks/{name}", { params: { path: { name: "policy-events" } } });
    expect(error).toEqual({ message: "Webhook not found" });
    expect(violations).toEqual([{ location: "request.path.name", severity: "Error", message: "must NOT have more than 10 characters" }]);
    expectTypeOf(violations).toEqualTypeOf<readonly ContractViolation[]>();
  });

  it("are empty without the header, or when it is not Prism's JSON", async () => {
    server.answer((_request, response, index) => json(response, 200, webhook, index === 0 ? {} : { "sl-violations": "{not json" }));
    expect((await client().GET("/webhooks")).violations).toEqual([]);
    expect((await client().GET("/webhooks")).violations).toEqual([]);
  });

  it("types: a path the spec lacks does not compile", () => {
    // @ts-expect-error not an operation of the spec
    expect(() => client().GET("/webhook")).toBeDefined();
  });
});
