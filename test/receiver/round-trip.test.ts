// The sender against the package's own receiver over loopback: every event type arrives valid, and
// each malformed body gets its answer through createNodeHandler, as a real server sees it.
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createNodeHandler,
  createWebhookReceiver,
  parseWebhookPayload,
  sampleDelivery,
  sendSampleEvents,
  WEBHOOK_EVENT_TYPES,
  type WebhookPayload,
} from "../../src/index.js";
import { ensureDist } from "../support/dist.js";

// The bins and modules this file runs are the built ones.
beforeAll(ensureDist);

const received: WebhookPayload[] = [];
const receiver = createWebhookReceiver({ maxBytes: 64 * 1024, onError: () => undefined })
  .on("*", (event) => void received.push(event))
  .on("claim.discard", () => {
    throw new Error("handler bug");
  });
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer(createNodeHandler(receiver));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/socotra`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const send = (init: RequestInit) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, ...init });

describe("sendSampleEvents → createNodeHandler", () => {
  it("delivers every event type, each valid against the contract", async () => {
    received.length = 0;
    const types = WEBHOOK_EVENT_TYPES.filter((type) => type !== "claim.discard");
    const report = await sendSampleEvents({ url, types, concurrency: 4 });
    expect(report.failures).toBe(0);
    expect(report.deliveries.map((d) => d.status)).toEqual(types.map(() => 200));
    expect(received.map((event) => event.type).sort()).toEqual([...types].sort());
    for (const event of received) expect(parseWebhookPayload(event)).toEqual(event);
    expect(report.latencyMs?.p99).toBeGreaterThan(0);
  });

  it("reports a handler failure as a failed delivery with status 500", async () => {
    const report = await sendSampleEvents({ url, types: ["claim.discard", "claim.open"], count: 2 });
    expect(report.deliveries.map((d) => [d.type, d.status])).toEqual([
      ["claim.discard", 500],
      ["claim.open", 200],
      ["claim.discard", 500],
      ["claim.open", 200],
    ]);
    expect(report.failures).toBe(2);
  });

  it("refuses a URL that is not http(s), and says so", async () => {
    await expect(sendSampleEvents({ url: "ftp://127.0.0.1/socotra" })).rejects.toThrow("`url` must be an http(s) URL, got a ftp: URL");
    await expect(sendSampleEvents({ url: "not a url" })).rejects.toThrow(/must be an http\(s\) URL/);
  });

  it("varies the sample per event type and stays valid", () => {
    const samples = WEBHOOK_EVENT_TYPES.map((type, i) => sampleDelivery(type, i));
    for (const sample of samples) expect(() => parseWebhookPayload(sample)).not.toThrow();
    expect(new Set(samples.map((s) => s.id)).size).toBe(samples.length);
    expect(Object.keys(sampleDelivery("invoice.issue").data)).toEqual(["invoiceLocator"]);
  });
});

describe("malformed bodies over loopback", () => {
  it.each([
    ["invalid JSON", { body: "{nope" }, 400],
    ["a body that breaks the contract", { body: JSON.stringify({ id: "x" }) }, 400],
    ["a non-JSON content type", { body: "a=1", headers: { "content-type": "text/plain" } }, 415],
    ["another method", { method: "PUT", body: "{}" }, 405],
    ["a body over the byte limit", { body: JSON.stringify({ padding: "x".repeat(70 * 1024) }) }, 413],
  ] as const)("answers %s with %i", async (_label, init, status) => {
    const response = await send(init as RequestInit);
    expect(response.status).toBe(status);
    if (status !== 413) expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("uses a body that express.json()-style middleware already parsed", async () => {
    const seen: string[] = [];
    const handler = createNodeHandler(createWebhookReceiver().on("*", (event) => void seen.push(event.type)));
    const parsing = createServer(async (req: IncomingMessage & { body?: unknown }, res) => {
      let text = "";
      for await (const chunk of req) text += chunk;
      req.body = JSON.parse(text);
      handler(req, res);
    });
    await new Promise<void>((resolve) => parsing.listen(0, "127.0.0.1", resolve));
    const response = await fetch(`http://127.0.0.1:${(parsing.address() as AddressInfo).port}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(sampleDelivery("policy.renew")),
    });
    await new Promise((resolve) => parsing.close(resolve));
    expect(response.status).toBe(200);
    expect(seen).toEqual(["policy.renew"]);
  });
});

describe("socotra-webhooks send", () => {
  const bin = fileURLToPath(new URL("../../dist/bin/socotra-webhooks.js", import.meta.url));
  const runBin = (args: string[]) => promisify(execFile)(process.execPath, [bin, "send", ...args]).then((r) => ({ ...r, code: 0 }), (error) => error);

  it("sends every type and prints the summary with latency percentiles", async () => {
    const result = await runBin(["--url", url, "--type", "policy.issue", "--type", "invoice.issue", "--count", "3", "--concurrency", "2"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ invoice\.issue → 200/);
    expect(result.stdout).toMatch(/6 sent, 0 failed; latency p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms/);
  });

  it("refuses a non-http(s) URL and an unknown type, exiting 2", async () => {
    const ftp = await runBin(["--url", "ftp://example.com"]);
    expect([ftp.code, ftp.stderr]).toEqual([2, expect.stringContaining("`url` must be an http(s) URL")]);
    const unknown = await runBin(["--url", url, "--type", "policy.teleport"]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining("unknown event type(s): policy.teleport")]);
  });
});
