// `socotra-webhooks verify` against small local "deployments": one answers GET /webhooks
// off-contract (`enabled: "yes"`) and sends its own empty `sl-violations` header, which must not
// hide the violation; others refuse the token, fail, redirect, or are not there at all. Each must
// exit 1 and say why; the token is never printed.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhooksOptionError } from "../../src/index.js";
import webhooks from "./fixtures/off-contract-webhooks.json" with { type: "json" };
import { ensureDist } from "../support/dist.js";

// The bins and modules this file runs are the built ones.
beforeAll(ensureDist);

const TOKEN = "verify-secret-7f3a";
const webhook = { ...webhooks.webhooks[0], enabled: true };
let server: Server;
let upstream: string;
const seen = new Map<string, string[]>();

beforeAll(async () => {
  // The token picks the deployment's behaviour, so that runs can share one server.
  server = createServer((request, response) => {
    const token = String(request.headers.authorization);
    seen.set(token, [...(seen.get(token) ?? []), request.url ?? ""]);
    if (token === "wrong-token") return response.writeHead(401, { "content-type": "application/json" }).end('{"message":"Unauthorized"}');
    if (token === "failing-token") return response.writeHead(500, { "content-type": "application/json" }).end('{"message":"boom"}');
    if (token === "moved-token") return response.writeHead(302, { location: "https://elsewhere.example/webhooks" }).end();
    const body = request.url === "/webhooks" ? webhooks : request.url?.endsWith("/diverted") ? { webhookName: "policy-events", events: [] } : webhook;
    response.writeHead(200, { "content-type": "application/json", "sl-violations": "[]" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const bin = fileURLToPath(new URL("../../dist/bin/socotra-webhooks.js", import.meta.url));
const verify = (target: string, token: string) =>
  promisify(execFile)(process.execPath, [bin, "verify", "--upstream", target], { env: { ...process.env, SOCOTRA_TOKEN: token } }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

// Each run starts Prism, which takes seconds when the machine is busy.
describe.concurrent("verify", { timeout: 60_000 }, () => {
  it("reports the off-contract response despite the upstream's own sl-violations header, exits 1, and never prints the token", async () => {
    const result = await verify(upstream, TOKEN);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("✗ listWebhooks GET /webhooks → 200");
    expect(result.stdout).toContain("response.body.webhooks.0.enabled:");
    expect(result.stdout).toContain("✓ getWebhook GET /webhooks/policy-events → 200");
    expect(result.stdout).toContain("✓ listDivertedEvents GET /webhooks/policy-events/diverted → 200");
    expect(result.stdout).toContain("3 call(s), 1 breaking the contract");
    expect(result.stderr).toContain("verify: FAILED: 1 call(s) broke the contract");
    expect(seen.get(TOKEN)).toEqual(["/webhooks", "/webhooks", "/webhooks/policy-events", "/webhooks/policy-events/diverted"]);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  it("fails when the upstream refuses the token, and says so", async () => {
    const result = await verify(upstream, "wrong-token");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("answered 401 or 403: the upstream refused the token");
    expect(result.stderr).toContain("no call succeeded");
  });

  it("fails when the upstream answers 5xx", async () => {
    const result = await verify(upstream, "failing-token");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("answered 5xx: the upstream failed");
  });

  it("fails at once when the upstream is unreachable, naming the reason", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const result = await verify(`http://127.0.0.1:${port}`, TOKEN);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("verify: FAILED: the upstream is unreachable: ECONNREFUSED");
  });

  it("refuses a token no header can carry before calling anything, without quoting it (not an 'unreachable' upstream)", async () => {
    const { verifyDeployment } = await import("../../src/verify.js");
    const error = await verifyDeployment({ upstream, token: `${TOKEN}\nX-Evil: 1` }).then(
      () => undefined,
      (thrown: Error) => thrown,
    );
    expect(error).toBeInstanceOf(WebhooksOptionError);
    expect(error?.message).toContain("`token`");
    expect(String(error?.message) + String(error?.stack)).not.toContain(TOKEN);
    expect(seen.has(`${TOKEN}\nX-Evil: 1`)).toBe(false);
  });

  it("reports a redirect and does not follow it", async () => {
    const result = await verify(upstream, "moved-token");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the upstream answered a redirect (302) to https://elsewhere.example");
    expect(seen.get("moved-token")).toEqual(["/webhooks"]);
  });
});
