// createNodeHandler mounted behind Express's body parsers: the receiver's own rules (byte limit,
// JSON content type, decode once) still apply to what the parser produced.
import type { AddressInfo } from "node:net";
import { request } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeHandler, createWebhookReceiver, WEBHOOK_EXAMPLES, type WebhookPayload } from "../../src/index.js";

const delivery = WEBHOOK_EXAMPLES.eventDelivery[0]!;
const seen: WebhookPayload[] = [];
const receiver = createWebhookReceiver({ maxBytes: 64 * 1024, onError: () => undefined }).on("*", (event) => void seen.push(event));
const handler = createNodeHandler(receiver);

const app = express();
app.use(express.urlencoded({ extended: false })); // a global parser, as many apps have
app.post("/json", express.json({ limit: "2mb", strict: false }), handler);
app.post("/text", express.text({ limit: "2mb" }), handler);
app.post("/raw", express.raw({ type: "application/json", limit: "2mb" }), handler);
app.post("/plain", handler);
let base: string;
let server: ReturnType<typeof app.listen>;

beforeAll(async () => {
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
});

/** POSTs with chunked transfer encoding (no content-length), so only the parsed size can be checked. */
function postChunked(path: string, contentType: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${base}${path}`, { method: "POST", headers: { "content-type": contentType, "transfer-encoding": "chunked" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    outgoing.on("error", reject);
    for (let i = 0; i < body.length; i += 16 * 1024) outgoing.write(body.slice(i, i + 16 * 1024));
    outgoing.end();
  });
}

describe("behind Express body parsers", () => {
  it("uses the body express.json() or express.raw() produced", async () => {
    seen.length = 0;
    for (const path of ["/json", "/raw", "/plain"]) expect(await postChunked(path, "application/json", JSON.stringify(delivery))).toBe(200);
    expect(seen).toEqual([delivery, delivery, delivery]);
  });

  it("enforces maxBytes on what the parser produced, even for a chunked body with no declared length", async () => {
    const big = JSON.stringify({ ...delivery, data: { padding: "x".repeat(900 * 1024) } });
    for (const path of ["/json", "/raw", "/plain"]) expect(await postChunked(path, "application/json", big)).toBe(413);
  });

  it("answers 415 for a body that did not arrive as JSON, even when a parser turned it into a value", async () => {
    expect(await postChunked("/json", "application/x-www-form-urlencoded", "id=1&type=policy.issue")).toBe(415);
    expect(await postChunked("/text", "text/plain", JSON.stringify(delivery))).toBe(415);
  });

  it("refuses a body whose JSON is a string instead of decoding it again", async () => {
    expect(await postChunked("/json", "application/json", JSON.stringify(JSON.stringify(delivery)))).toBe(400);
  });
});
