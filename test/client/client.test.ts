// createWebhooksClient against a local server: auth, timeouts, every retry rule, typed errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createWebhooksClient,
  WebhooksContractError,
  WebhooksNetworkError,
  WebhooksResponseError,
  WebhooksTimeoutError,
} from "../../src/index.js";
import webhook from "./fixtures/webhook.json" with { type: "json" };
import { caught, json, startTestServer } from "./test-server.js";

const TOKEN = "tok_secret_4d9f";
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const client = (options: Partial<Parameters<typeof createWebhooksClient>[0]> = {}) =>
  createWebhooksClient({ baseUrl: server.url, token: TOKEN, retry: { baseDelayMs: 1, maxDelayMs: 50 }, ...options });
const getWebhook = (c = client()) => c.GET("/webhooks/{name}", { params: { path: { name: "policy-events" } } });
const resend = (c = client()) =>
  c.POST("/webhooks/{name}/diverted/{transactionId}/resend", { params: { path: { name: "policy-events", transactionId: "tx-1" } } });

describe("authentication", () => {
  it("sends the token as the raw Authorization value, without Bearer", async () => {
    server.answer((_request, response) => json(response, 200, webhook));
    const { data } = await getWebhook();
    expect(data).toEqual(webhook);
    expect(server.requests[0]?.headers.authorization).toBe(TOKEN);
    expect(server.requests[0]?.url).toBe("/webhooks/policy-events");
  });

  it("encodes path parameters", async () => {
    server.answer((_request, response) => json(response, 200, webhook));
    await client().GET("/webhooks/{name}", { params: { path: { name: "a b/c" } } });
    expect(server.requests[0]?.url).toBe("/webhooks/a%20b%2Fc");
  });

  it("refuses bad options with an error naming the option", () => {
    expect(() => createWebhooksClient({ baseUrl: server.url, token: "" })).toThrow(/`token` must be a non-empty string/);
    expect(() => createWebhooksClient({ baseUrl: "ftp://x", token: TOKEN })).toThrow(/`baseUrl` must be an http\(s\) URL/);
    expect(() => createWebhooksClient({ baseUrl: server.url, token: TOKEN, timeoutMs: 0 })).toThrow(/`timeoutMs`/);
    expect(() => createWebhooksClient({ baseUrl: server.url, token: TOKEN, retry: { retries: -1 } })).toThrow(/`retry.retries`/);
  });
});

describe("typed API errors", () => {
  it("returns a declared error status as `error`, not as a throw", async () => {
    server.answer((_request, response) => json(response, 404, { message: "Webhook not found" }));
    const { data, error, response } = await getWebhook();
    expect(data).toBeUndefined();
    expect(error).toEqual({ message: "Webhook not found" });
    expect(response.status).toBe(404);
  });

  it("answers no body for void operations", async () => {
    server.answer((_request, response) => response.writeHead(200).end());
    const { data, error, response } = await resend();
    expect([data, error, response.status]).toEqual([undefined, undefined, 200]);
  });

  it("throws WebhooksResponseError for a 2xx body that is not JSON", async () => {
    server.answer((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end("{not json"));
    const error = await caught(getWebhook());
    expect(error).toBeInstanceOf(WebhooksResponseError);
    expect(error).toBeInstanceOf(WebhooksContractError);
  });
});

describe("timeouts", () => {
  it("aborts a slow attempt with WebhooksTimeoutError, and does not retry it", async () => {
    server.answer(() => undefined); // never answers
    const error = await caught(getWebhook(client({ timeoutMs: 100 })));
    expect(error).toBeInstanceOf(WebhooksTimeoutError);
    expect(error.message).toBe(`GET ${server.url}/webhooks/{name} timed out after 100 ms`);
    expect(server.requests).toHaveLength(1);
  });
});

describe("retries", () => {
  it.each([429, 502, 503, 504])("retries GET after %i and returns the success", async (status) => {
    server.answer((_request, response, index) => (index === 0 ? json(response, status, {}) : json(response, 200, webhook)));
    const { data } = await getWebhook();
    expect(data).toEqual(webhook);
    expect(server.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 500])("does not retry %i", async (status) => {
    server.answer((_request, response) => json(response, status, {}));
    const { response } = await getWebhook();
    expect(response.status).toBe(status);
    expect(server.requests).toHaveLength(1);
  });

  it("retries PUT, DELETE and PATCH, resending the same body", async () => {
    server.answer((_request, response, index) => (index % 2 === 0 ? json(response, 503, {}) : json(response, 200, webhook)));
    await client().PUT("/webhooks", { body: { name: "policy-events", events: ["policy.issue"] } });
    expect(server.requests.map((r) => [r.method, r.body])).toEqual([
      ["PUT", '{"name":"policy-events","events":["policy.issue"]}'],
      ["PUT", '{"name":"policy-events","events":["policy.issue"]}'],
    ]);
    server.answer((_request, response, index) => (index === 0 ? json(response, 503, {}) : response.writeHead(200).end()));
    await client().DELETE("/webhooks/{name}", { params: { path: { name: "policy-events" } } });
    expect(server.requests).toHaveLength(2);
    server.answer((_request, response, index) => (index === 0 ? json(response, 502, {}) : json(response, 200, webhook)));
    await client().PATCH("/webhooks/{name}/unsuspend", { params: { path: { name: "policy-events" } } });
    expect(server.requests).toHaveLength(2);
  });

  it("never retries POST resend, whatever the answer", async () => {
    server.answer((_request, response) => json(response, 503, {}));
    const { response } = await resend();
    expect(response.status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it("gives up after `retries` and returns the last answer", async () => {
    server.answer((_request, response) => json(response, 503, { message: "busy" }));
    const { error, response } = await getWebhook(client({ retry: { retries: 3, baseDelayMs: 1 } }));
    expect([response.status, error]).toEqual([503, { message: "busy" }]);
    expect(server.requests).toHaveLength(4);
  });

  it("waits as long as Retry-After asks", async () => {
    server.answer((_request, response, index) => (index === 0 ? json(response, 429, {}, { "retry-after": "1" }) : json(response, 200, webhook)));
    await getWebhook(client({ retry: { baseDelayMs: 1, maxDelayMs: 5000 } }));
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it("caps a Retry-After wait at maxDelayMs", async () => {
    server.answer((_request, response, index) => (index === 0 ? json(response, 429, {}, { "retry-after": "3600" }) : json(response, 200, webhook)));
    const { data } = await getWebhook(client({ retry: { baseDelayMs: 1, maxDelayMs: 20 } }));
    expect(data).toEqual(webhook);
  });

  it("retries a reset connection on GET, then throws WebhooksNetworkError", async () => {
    server.answer((_request, response) => response.socket?.destroy());
    const error = await caught(getWebhook(client({ retry: { retries: 2, baseDelayMs: 1 } })));
    expect(error).toBeInstanceOf(WebhooksNetworkError);
    expect((error as WebhooksNetworkError).attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it("sends POST resend once on a reset connection", async () => {
    server.answer((_request, response) => response.socket?.destroy());
    const error = await caught(resend());
    expect(error).toBeInstanceOf(WebhooksNetworkError);
    expect(server.requests).toHaveLength(1);
  });

  it("turns retries off with retry: false", async () => {
    server.answer((_request, response) => json(response, 503, {}));
    await getWebhook(client({ retry: false }));
    expect(server.requests).toHaveLength(1);
  });
});

describe("the token stays secret", () => {
  it("appears in no error message, stack or serialisation", async () => {
    const errors: Error[] = [];
    server.answer(() => undefined);
    errors.push(await caught(getWebhook(client({ timeoutMs: 50 }))));
    server.answer((_request, response) => response.socket?.destroy());
    errors.push(await caught(getWebhook(client({ retry: false }))));
    server.answer((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end("<html>"));
    errors.push(await caught(getWebhook()));
    for (const error of errors) {
      const seen = [error.message, error.stack, String(error), JSON.stringify(error), String((error as { cause?: unknown }).cause)].join("\n");
      expect(seen).not.toContain(TOKEN);
    }
  });
});

describe("cancellation", () => {
  it("passes the caller's own abort through, untyped, and does not retry it", async () => {
    const controller = new AbortController();
    // Cancelled once the server holds the request (never answered), so the one attempt is certain.
    server.answer(() => void controller.abort(new Error("user cancelled")));
    const call = client().GET("/webhooks/{name}", { params: { path: { name: "policy-events" } }, signal: controller.signal });
    await expect(call).rejects.toThrow("user cancelled");
    expect(server.requests).toHaveLength(1);
  });

  it("does not even send a request whose signal is already aborted", async () => {
    server.answer((_request, response) => json(response, 200, webhook));
    const controller = new AbortController();
    controller.abort(new Error("too late"));
    await expect(client().GET("/webhooks/{name}", { params: { path: { name: "policy-events" } }, signal: controller.signal })).rejects.toThrow("too late");
    expect(server.requests).toHaveLength(0);
  });
});
