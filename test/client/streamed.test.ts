// A body the caller reads after the call returns (parseAs "stream") is still part of the attempt:
// the timeout and the caller's signal hold until it ends, and its size stays bounded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhooksClient, WebhooksResponseTooLargeError, WebhooksTimeoutError } from "../../src/index.js";
import { caught, startTestServer } from "./test-server.js";

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

// Long enough for the answer's head to arrive while every core runs other test files (150 ms was
// not: the call itself timed out before it returned the stream), short enough to wait out.
const TIMEOUT_MS = 1_500;
const client = (options: { maxResponseBytes?: number } = {}) => createWebhooksClient({ baseUrl: server.url, token: "t", timeoutMs: TIMEOUT_MS, retry: false, ...options });

async function readAll(body: ReadableStream<Uint8Array>): Promise<number> {
  const reader = body.getReader();
  let bytes = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) bytes += chunk.value.byteLength;
  return bytes;
}

describe("a streamed body", () => {
  it("that stalls times out with a typed error", async () => {
    server.answer((_request, response) => void response.writeHead(200, { "content-type": "application/json" }).write("[1,"));
    const { data } = await client().GET("/webhooks", { parseAs: "stream" });
    const started = Date.now();
    const error = await caught(readAll(data as unknown as ReadableStream<Uint8Array>));
    expect(error).toBeInstanceOf(WebhooksTimeoutError);
    // The timeout counts from the attempt's start, so the read ends within it (and its slice).
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 2);
  });

  it("stops the moment the caller aborts, after the call has returned", async () => {
    server.answer((_request, response) => void response.writeHead(200, { "content-type": "application/json", "content-length": "100" }).write("[1,"));
    const controller = new AbortController();
    const { data } = await createWebhooksClient({ baseUrl: server.url, token: "t", retry: false }).GET("/webhooks", { parseAs: "stream", signal: controller.signal });
    const reading = caught(readAll(data as unknown as ReadableStream<Uint8Array>));
    setTimeout(() => controller.abort(new Error("user stop")), 20);
    expect((await reading).message).toBe("user stop");
  });

  it("read to its end is whole, and stays bounded", async () => {
    server.answer((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end("x".repeat(5000)));
    const { data } = await client().GET("/webhooks", { parseAs: "stream" });
    expect(await readAll(data as unknown as ReadableStream<Uint8Array>)).toBe(5000);
    const { data: large } = await client({ maxResponseBytes: 1000 }).GET("/webhooks", { parseAs: "stream" });
    await expect(readAll(large as unknown as ReadableStream<Uint8Array>)).rejects.toBeInstanceOf(WebhooksResponseTooLargeError);
  });

  it("cancelled by the caller ends the attempt", async () => {
    server.answer((_request, response) => void response.writeHead(200, { "content-type": "application/json" }).write("[1,"));
    const { data } = await client().GET("/webhooks", { parseAs: "stream" });
    await (data as unknown as ReadableStream<Uint8Array>).cancel();
  });
});
