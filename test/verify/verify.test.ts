// `npm run verify` against a small local "deployment" that answers one response off-contract
// (GET /webhooks says `enabled: "yes"`): the violation is reported with the operation and the field.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import webhooks from "./fixtures/off-contract-webhooks.json" with { type: "json" };

const TOKEN = "verify-secret-7f3a";
const webhook = { ...webhooks.webhooks[0], enabled: true };
let server: Server;
let upstream: string;
const seenTokens: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seenTokens.push(request.headers.authorization);
    const body = request.url === "/webhooks" ? webhooks : request.url?.endsWith("/diverted") ? { webhookName: "policy-events", events: [] } : webhook;
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

it("reports the off-contract response with its operation and field, passes the rest, exits 1, and never prints the token", async () => {
  const bin = fileURLToPath(new URL("../../dist/bin/verify.js", import.meta.url));
  const result = await promisify(execFile)(process.execPath, [bin, "--upstream", upstream, "--token", TOKEN]).catch((error) => error);
  expect(result.code).toBe(1);
  expect(result.stdout).toContain("✗ listWebhooks GET /webhooks → 200");
  expect(result.stdout).toContain("response.body.webhooks.0.enabled: Response body property webhooks.0.enabled must be boolean");
  expect(result.stdout).toContain("✓ getWebhook GET /webhooks/policy-events → 200");
  expect(result.stdout).toContain("✓ listDivertedEvents GET /webhooks/policy-events/diverted → 200");
  expect(result.stdout).toContain("3 call(s), 1 breaking the contract");
  expect(seenTokens.length).toBe(3);
  expect(seenTokens.every((token) => token === TOKEN)).toBe(true);
  expect(result.stdout + result.stderr).not.toContain(TOKEN);
});
