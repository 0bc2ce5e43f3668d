// A `fetch` option is the caller's code: what it answers is checked like the network's.
import { describe, expect, it } from "vitest";
import { createWebhooksClient, WebhooksNetworkError, WebhooksResponseError, WebhooksResponseTooLargeError, WebhooksTimeoutError } from "../../src/index.js";
import { caught } from "./test-server.js";

const client = (answer: () => unknown, maxResponseBytes = 1000) =>
  createWebhooksClient({ baseUrl: "http://127.0.0.1:9", token: "t", retry: false, maxResponseBytes, fetch: (async () => answer()) as never });

describe("a fetch option", () => {
  it.each([
    ["null", null],
    ["a string", "200 OK"],
    ["an empty object", {}],
    ["a Response look-alike", { status: 200, headers: new Headers(), body: "{}" }],
    ["an object on Response's prototype", Object.create(Response.prototype)],
    ["a Proxy whose status throws", new Proxy(new Response("[]"), { get: (target, key) => { if (key === "status") throw new Error("trap"); return Reflect.get(target, key); } })],
  ])("that answers %s gets a typed error, not a TypeError", async (_label, answer) => {
    const error = await caught(client(() => answer).GET("/webhooks"));
    expect(error).toBeInstanceOf(WebhooksResponseError);
    expect(error.message).toContain("`fetch`");
  });

  it("that answers a body longer than its Content-Length is still bounded while it streams", async () => {
    const answer = () => new Response("x".repeat(100_000), { headers: { "content-type": "text/plain", "content-length": "5" } });
    await expect(client(answer).GET("/webhooks", { parseAs: "text" })).rejects.toBeInstanceOf(WebhooksResponseTooLargeError);
  });

  it.each([
    ["frozen", Object.freeze],
    ["sealed", Object.seal],
    ["not extensible", Object.preventExtensions],
  ])("that answers a %s Response is read as usual (the transport cannot mark it: it reads a copy)", async (_label, lock) => {
    for (const headers of [{ "content-length": "2" }, {}] as Record<string, string>[]) {
      const answer = () => lock(new Response("[]", { headers: { "content-type": "application/json", ...headers } }));
      expect((await client(answer).GET("/webhooks")).data).toEqual([]);
      expect((await client(answer).GET("/webhooks", { parseAs: "text" })).data).toBe("[]");
    }
  });

  it("that answers the same Response again (its body read) gets a typed error, not a retried network error, and no longer prototype chain", async () => {
    const same = new Response("[]", { headers: { "content-type": "application/json" } });
    let calls = 0;
    const reusing = createWebhooksClient({ baseUrl: "http://127.0.0.1:9", token: "t", retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 1 }, fetch: (async () => ((calls += 1), same)) as never });
    expect((await reusing.GET("/webhooks")).data).toEqual([]);
    const depth = (value: object | null): number => (value === null ? 0 : 1 + depth(Object.getPrototypeOf(value) as object | null));
    const first = depth(same);
    const error = await caught(reusing.GET("/webhooks"));
    expect(error).toBeInstanceOf(WebhooksResponseError);
    expect(error.message).toContain("already read");
    expect([calls, depth(same)]).toEqual([2, first]);
  });

  it("that streams a chunk that is not bytes gets the network error its reader gives, not a too-large error (parseAs stream)", async () => {
    const answer = () => new Response(new ReadableStream({ start: (controller) => controller.enqueue("[]") }), { headers: { "content-type": "application/json" } });
    const { data } = await client(answer).GET("/webhooks", { parseAs: "stream" });
    await expect(new Response(data as ReadableStream).text()).rejects.toBeInstanceOf(WebhooksNetworkError);
    for (const parseAs of ["json", "text"] as const) await expect(client(answer).GET("/webhooks", { parseAs })).rejects.toBeInstanceOf(WebhooksNetworkError);
  });

  it("that answers within the bound is read as usual", async () => {
    const answer = () => new Response("[]", { headers: { "content-type": "application/json", "content-length": "2" } });
    expect((await client(answer).GET("/webhooks")).data).toEqual([]);
  });

  // The readers are swapped on a prototype made per answer prototype: a subclass stays itself.
  class OwnResponse extends Response {}
  const failing = () =>
    new ReadableStream({
      pull(controller) {
        controller.error(new TypeError("terminated"));
      },
    });

  it.each([
    ["with a Content-Length", { "content-length": "20" }],
    ["without a Content-Length", {}],
  ])("that answers a Response subclass %s keeps it, and its body failing mid-read is a network error", async (_label, headers) => {
    const ok = await client(() => new OwnResponse("[]", { headers: { "content-type": "application/json", ...headers } })).GET("/webhooks");
    expect(ok.response).toBeInstanceOf(OwnResponse);
    expect(ok.data).toEqual([]);
    const answer = () => new OwnResponse(failing(), { headers: { "content-type": "application/json", ...headers } });
    for (const parseAs of ["json", "text", "arrayBuffer", "blob"] as const) {
      await expect(client(answer).GET("/webhooks", { parseAs })).rejects.toBeInstanceOf(WebhooksNetworkError);
    }
  });
});

describe("a fetch option whose body stalls and ignores the request's signal", () => {
  it("times out at timeoutMs for every whole-body parseAs, and the body is cancelled", async () => {
    let cancelled = 0;
    const stalled = () =>
      new Response(new ReadableStream({ pull: () => new Promise<void>(() => undefined), cancel: () => void (cancelled += 1) }), { headers: { "content-type": "application/json" } });
    const slow = createWebhooksClient({ baseUrl: "http://127.0.0.1:9", token: "t", retry: false, timeoutMs: 100, fetch: (async () => stalled()) as never });
    for (const parseAs of ["json", "text", "arrayBuffer", "blob"] as const) {
      await expect(slow.GET("/webhooks", { parseAs })).rejects.toBeInstanceOf(WebhooksTimeoutError);
    }
    expect(cancelled).toBe(4);
  });

  it("times out at timeoutMs for parseAs stream, read after the call returned, and the body is cancelled", async () => {
    let cancelled = 0;
    const stalled = () =>
      new Response(new ReadableStream({ pull: () => new Promise<void>(() => undefined), cancel: () => void (cancelled += 1) }), { headers: { "content-type": "application/json" } });
    const slow = createWebhooksClient({ baseUrl: "http://127.0.0.1:9", token: "t", retry: false, timeoutMs: 100, fetch: (async () => stalled()) as never });
    const { data } = await slow.GET("/webhooks", { parseAs: "stream" });
    await expect(new Response(data as ReadableStream).text()).rejects.toBeInstanceOf(WebhooksTimeoutError);
    expect(cancelled).toBe(1);
  });
});
