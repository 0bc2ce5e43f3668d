// sendSampleEvents and socotra-webhooks send under hostile conditions: redirects, huge runs,
// secrets in headers and URLs, refused connections, unknown types; and the payload shaping
// (--type entity wildcards, --alert, --data, --override), always valid against the contract.
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "../../generated/event-types.js";
import { ContractValidationError, parse, parseFailureMessage, parseWebhookSuspendedData, sendSampleEvents, WebhooksOptionError } from "../../src/index.js";
import { headerProblem, selectEventTypes } from "../../src/sender.js";
import { ensureDist } from "../support/dist.js";

// The bins and modules this file runs are the built ones.
beforeAll(ensureDist);

const SECRET = "header-secret-3b7e";
let server: Server;
let url: string;
let received: { path: string; headers: IncomingMessage["headers"]; body: string }[] = [];
let answer: (path: string) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 });

const listen = async (handler: Parameters<typeof createServer>[1]) => {
  const created = createServer(handler);
  await new Promise<void>((resolve) => created.listen(0, "127.0.0.1", resolve));
  return { server: created, url: `http://127.0.0.1:${(created.address() as AddressInfo).port}` };
};
beforeAll(async () => {
  ({ server, url } = await listen((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk)).on("end", () => {
      received.push({ path: request.url ?? "", headers: request.headers, body });
      const { status, headers } = answer(request.url ?? "");
      response.writeHead(status, headers).end();
    });
  }));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
const reset = (next: typeof answer = () => ({ status: 200 })) => {
  received = [];
  answer = next;
};

describe("redirects", () => {
  it("are the delivery's answer: never followed, nothing reaches the other origin", async () => {
    const other = await listen((_request, response) => response.writeHead(200).end());
    let reached = 0;
    other.server.on("request", () => (reached += 1));
    try {
      reset(() => ({ status: 307, headers: { location: `${other.url}/steal` } }));
      const report = await sendSampleEvents({ url: `${url}/hooks`, headers: { "x-api-key": SECRET } });
      expect(report.deliveries.map((delivery) => delivery.status)).toEqual([307]);
      expect(report.failures).toBe(1);
      expect(reached).toBe(0);
    } finally {
      other.server.close();
    }
  });
});

describe("long runs", () => {
  it("build each delivery as it is sent: the first answers come before 10 million payloads exist", async () => {
    let calls = 0;
    const fetch = async () => (calls += 1, new Response(null, { status: 200 }));
    const run = sendSampleEvents({
      url,
      types: selectEventTypes(["all"]),
      count: 100_000,
      concurrency: 8,
      fetch,
      onDelivery: () => {
        if (calls >= 2000) throw new Error("enough");
      },
    });
    await expect(run).rejects.toThrow("enough");
    expect(calls).toBeLessThan(2100);
  });

  it("stop sending when onDelivery throws once: nothing is sent after the run has failed", async () => {
    let calls = 0;
    const fetch = async () => (calls += 1, new Response(null, { status: 200 }));
    let thrown = false;
    const run = sendSampleEvents({
      url,
      count: 10_000,
      concurrency: 4,
      fetch,
      onDelivery: () => {
        if (!thrown && calls >= 10) {
          thrown = true;
          throw new Error("the printer broke");
        }
      },
    });
    await expect(run).rejects.toThrow("the printer broke");
    const atFailure = calls;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(atFailure);
    expect(calls).toBeLessThan(20);
  });

  it("await an asynchronous onDelivery, and stop on its rejection as on a throw (no unhandled rejection)", async () => {
    let calls = 0;
    let settled = 0;
    const fetch = async () => (calls += 1, new Response(null, { status: 200 }));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const run = sendSampleEvents({
        url,
        count: 1000,
        concurrency: 2,
        fetch,
        onDelivery: async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          settled += 1;
          if (calls >= 5) throw new Error("the database is down");
        },
      });
      await expect(run).rejects.toThrow("the database is down");
      const atFailure = calls;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect([calls, settled]).toEqual([atFailure, atFailure]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("keep only the first results and count the rest", async () => {
    const fetch = async () => new Response(null, { status: 200 });
    const report = await sendSampleEvents({ url, count: 3000, concurrency: 4, fetch, keepDeliveries: 10 });
    expect([report.sent, report.failures, report.deliveries.length]).toEqual([3000, 0, 10]);
    expect(report.latencyMs?.max).toBeGreaterThanOrEqual(report.latencyMs?.p50 ?? Infinity);
  });
});

describe("failures say why, and never quote secrets", () => {
  it("a refused connection says ECONNREFUSED", async () => {
    const closed = await listen(() => undefined);
    await new Promise((resolve) => closed.server.close(resolve));
    const report = await sendSampleEvents({ url: closed.url });
    expect(report.deliveries[0]?.error).toMatch(/^ECONNREFUSED \(connection refused/);
  });

  it("the largest timeoutMs accepted does not time a delivery out at once", async () => {
    reset();
    const report = await sendSampleEvents({ url, timeoutMs: 2 ** 31 - 1 });
    expect(report.deliveries.map((delivery) => [delivery.status, delivery.error])).toEqual([[200, undefined]]);
  });

  it("a receiver that never answers times out", async () => {
    const silent = await listen(() => undefined);
    try {
      const report = await sendSampleEvents({ url: silent.url, timeoutMs: 100 });
      expect(report.deliveries[0]).toMatchObject({ status: null, error: "no answer within 100 ms" });
    } finally {
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });

  it("credentials in the URL are refused without being quoted", async () => {
    const error = (await sendSampleEvents({ url: `http://user:${SECRET}@127.0.0.1:1/` }).catch((thrown: unknown) => thrown)) as Error;
    expect(error).toBeInstanceOf(WebhooksOptionError);
    expect(String(error.message)).toContain("must not hold credentials");
    expect(`${error.message}${error.stack}`).not.toContain(SECRET);
  });

  it("the bin prints no header value, even for a malformed --header", async () => {
    reset();
    const bin = fileURLToPath(new URL("../../dist/bin/socotra-webhooks.js", import.meta.url));
    const run = (args: string[]) => promisify(execFile)(process.execPath, [bin, "send", ...args]).then((result) => ({ code: 0, ...result }), (error) => error);
    const good = await run(["--url", url, "--header", `X-Api-Key: ${SECRET}`, "--type", "claim.*"]);
    expect(good.code).toBe(0);
    expect(received.every((request) => request.headers["x-api-key"] === SECRET)).toBe(true);
    const bad = await run(["--url", url, "--header", `${SECRET}`]);
    expect(bad.code).toBe(2);
    const unknown = await run(["--url", url, "--type", "claim.opne"]);
    expect(unknown.stderr).toContain('unknown event type(s): claim.opne; did you mean "claim.open"?');
    expect([good, bad, unknown].map((result) => result.stdout + result.stderr).join("\n")).not.toContain(SECRET);
  });
});

describe("extra headers", () => {
  const bin = fileURLToPath(new URL("../../dist/bin/socotra-webhooks.js", import.meta.url));
  const run = (args: string[]) => promisify(execFile)(process.execPath, [bin, "send", ...args]).then((result) => ({ code: 0, ...result }), (error) => error);

  it("a header no HTTP request can carry is a usage error (2) before anything is sent, naming the option and the rule, never the value", async () => {
    reset();
    const cases: [string, RegExp][] = [
      [`X-Key: a\u0001${SECRET}`, /--header: the value of the header X-Key must be an RFC 9110 field value/],
      [`X-Key: ${SECRET}\u001b[2J`, /field value: visible ASCII characters, spaces and tabs/],
      [`X-Key: ${SECRET}\u00e9`, /no non-ASCII characters/],
      [`X-Key: ${SECRET}\u0100`, /RFC 9110 field value/],
      [`Bad Name: ${SECRET}`, /--header: a header name must be an RFC 9110 token/],
      [`X-K\u00e9y: ${SECRET}`, /a header name must be an RFC 9110 token/],
      [`Transfer-Encoding: ${SECRET}`, /the header Transfer-Encoding is one the HTTP client sets itself/],
      [`Content-Length: 5`, /the header Content-Length is one the HTTP client sets itself/],
    ];
    for (const [header, message] of cases) {
      const result = await run(["--url", url, "--header", header]);
      expect(result.code, header).toBe(2);
      expect(result.stderr, header).toMatch(message);
      expect(result.stdout + result.stderr, header).not.toContain(SECRET);
      expect(result.stderr, header).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
    const stray = await run(["--url", url, `stray-${SECRET}\u001b[2J`]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/^Unexpected argument '…'/);
    expect(stray.stderr).not.toContain(SECRET);
    expect(received).toEqual([]);
  });

  it("the library refuses the same headers with a WebhooksOptionError naming the rule, and sends tabs and spaces inside a value", async () => {
    reset();
    expect(headerProblem("X-Key", "a b\tc")).toBeUndefined();
    expect(headerProblem("__proto__", "x")).toBeUndefined();
    for (const headers of [{ "X-Key": `a\u0001${SECRET}` }, { "X Key": SECRET }, { "": SECRET }, { Upgrade: SECRET }] as Record<string, string>[]) {
      const error = (await sendSampleEvents({ url, headers }).catch((thrown: unknown) => thrown)) as Error;
      expect(error).toBeInstanceOf(WebhooksOptionError);
      expect(error.message).toMatch(/RFC 9110|sets itself/);
      expect(error.message).not.toContain(SECRET);
    }
    expect(received).toEqual([]);
    await sendSampleEvents({ url, headers: { "X-Key": "a b\tc" } });
    expect(received[0]!.headers["x-key"]).toBe("a b\tc");
  });

  it("--alert names the alert it sent, not an event type, and --help says --count is per type", async () => {
    reset();
    const failure = await run(["--url", url, "--alert", "failure"]);
    expect(failure.code).toBe(0);
    expect(failure.stdout).toMatch(/^✓ failure alert \(about policy\.issue\) → 200 /m);
    const suspended = await run(["--url", url, "--alert", "suspended", "--type", "claim.create"]);
    expect(suspended.stdout).toMatch(/^✓ suspension alert \(about claim\.create\) → 200 /m);
    const delivery = await run(["--url", url]);
    expect(delivery.stdout).toMatch(/^✓ policy\.issue → 200 /m);
    const help = await run(["--help"]);
    expect(help.stdout).toMatch(/--count N\s+deliveries per type/);
    expect(help.stdout).toContain("--type all --count 1000 sends 100,000");
  });

  it("a reader that leaves early (`| head -1`) ends the bin quietly, without a stack", async () => {
    reset();
    const { stdout, stderr } = await promisify(execFile)("sh", ["-c", '{ node "$0" send --url "$1" --type all; echo "status $?" >&2; } | head -1', bin, url]);
    expect(stdout.split("\n").filter(Boolean)).toHaveLength(1);
    expect(stderr).toBe("status 0\n");
  });
});

describe("choosing and shaping what is sent", () => {
  it("selects by entity wildcard and suggests the closest type", () => {
    expect(selectEventTypes(["claim.*"])).toEqual(WEBHOOK_EVENT_TYPES.filter((type) => type.startsWith("claim.")));
    expect(selectEventTypes(["policy.quote.*"]).every((type) => type.startsWith("policy.quote."))).toBe(true);
    expect(() => selectEventTypes(["polcy.issue"])).toThrow(/did you mean "policy.issue"/);
    expect(() => selectEventTypes(["nothing.*"])).toThrow(WebhooksOptionError);
  });

  it("refuses an empty list of types instead of reporting a run that sent nothing as a success", async () => {
    reset();
    await expect(sendSampleEvents({ url, types: [] })).rejects.toThrow(/`types` must name at least one event type/);
    expect(() => selectEventTypes([])).toThrow(/at least one/);
    expect(received).toHaveLength(0);
  });

  it("sends failure and suspension alerts, valid against their schemas", async () => {
    reset();
    await sendSampleEvents({ url, alert: "failure", types: ["claim.open"] });
    await sendSampleEvents({ url, alert: "suspended", types: ["claim.open"] });
    const [failure, suspended] = received.map((request) => JSON.parse(request.body));
    expect(() => parseFailureMessage(failure)).not.toThrow();
    expect(parseWebhookSuspendedData(suspended).event).toBe("claim.open");
  });

  it("--data and --override shape the payload, which must still meet the contract", async () => {
    reset();
    await sendSampleEvents({ url, data: { policyLocator: "100000042" }, overrides: { username: "ops", "data.extra.depth": 2 } });
    const payload = parse("WebhookPayload", received[0]!.body);
    expect(payload).toMatchObject({ username: "ops", data: { policyLocator: "100000042", extra: { depth: 2 } } });

    const broken = await sendSampleEvents({ url, overrides: { timestamp: 12 } }).catch((thrown) => thrown);
    expect(broken).toBeInstanceOf(ContractValidationError);
    expect(broken.message).toContain("/timestamp");
    await expect(sendSampleEvents({ url, overrides: { "__proto__.polluted": 1 } })).rejects.toThrow(/not a dotted field path/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(received).toHaveLength(1);
  });
});
