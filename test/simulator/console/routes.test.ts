// The console's routes on a real port: the page with its policy, the DNS-rebinding guard, the
// simulator's tokens, the reads the page needs, and the contract check before raising.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { startSimulator, type RunningSimulator } from "../../../src/simulator/index.js";
import { checkEvent } from "../../../src/simulator/console/routes.js";
import { consolePageModule, CONSOLE_MODULE } from "../../../scripts/console-page.js";
import { readFile } from "node:fs/promises";

let open: RunningSimulator;
let guarded: RunningSimulator;

beforeAll(async () => {
  open = await startSimulator({ integrations: { local: "http://127.0.0.1:9/events" }, assume: { retryDelayMs: 0 } });
  guarded = await startSimulator({ tokens: ["s3cret"] });
});
afterAll(async () => {
  await open?.stop();
  await guarded?.stop();
});

/** A request with a Host header of our choosing (fetch sets its own). */
function get(base: string, path: string, host?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: host === undefined ? {} : { host } }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on("error", reject).end();
  });
}

describe("the console's routes", () => {
  it("serve the page with a policy that allows only its own inline script and style", async () => {
    expect(open.consoleUrl).toBe(`${open.url}/_simulator/ui`);
    const answer = await fetch(open.consoleUrl);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const policy = answer.headers.get("content-security-policy")!;
    expect(policy).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self';/);
    expect(answer.headers.get("x-frame-options")).toBe("DENY");
    expect(policy).toContain("require-trusted-types-for 'script'; trusted-types 'none'");
    expect(policy).toMatch(/base-uri 'none'.*form-action 'none'.*frame-ancestors 'none'/);
    expect(policy).not.toMatch(/unsafe-|\*/);
    const html = await answer.text();
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    expect((await fetch(`${open.consoleUrl}/`)).status).toBe(200);
    expect((await fetch(open.consoleUrl, { method: "POST" })).status).toBe(405);
  });

  it("leave the simulator's own data routes, which the page reads, uncached and unsniffed", async () => {
    for (const path of ["/webhooks", "/_simulator/integrations", "/_simulator/state", "/_simulator/nothing"]) {
      const answer = await fetch(`${open.url}${path}`, { headers: { authorization: "t" } });
      expect([path, answer.headers.get("cache-control"), answer.headers.get("x-content-type-options")]).toEqual([path, "no-store", "nosniff"]);
    }
  });

  it("answer 421 when Host is not the simulator's own host and port (DNS rebinding)", async () => {
    const port = new URL(open.url).port;
    for (const host of ["evil.example", `evil.example:${port}`, "127.0.0.1:1", `localhost.evil.example:${port}`]) {
      for (const path of ["/_simulator/ui", "/_simulator/ui/api/timeline"]) {
        const answer = await get(open.url, path, host);
        expect([host, path, answer.status]).toEqual([host, path, 421]);
      }
    }
    expect((await get(open.url, "/_simulator/ui", `localhost:${port}`)).status).toBe(200);
  });

  it("ask for the simulator's token for the data, as its own routes do, and never for the page", async () => {
    expect((await fetch(guarded.consoleUrl)).status).toBe(200);
    for (const path of ["meta", "timeline", "body?eventId=x"]) {
      expect((await fetch(`${guarded.consoleUrl}/api/${path}`)).status).toBe(401);
      expect((await fetch(`${guarded.consoleUrl}/api/${path}`, { headers: { authorization: "wrong" } })).status).toBe(401);
      expect((await fetch(`${guarded.consoleUrl}/api/${path}`, { headers: { authorization: "s3cret" } })).status).toBe(200);
    }
  });

  it("read the timeline, the body a delivery sent, the diverted counts and the event types", async () => {
    await open.simulator.handle(new Request(`${open.url}/webhooks`, { method: "PUT", headers: { authorization: "t", "content-type": "application/json" }, body: JSON.stringify({ name: "w", integrationName: "local", events: ["policy.issue"], failureHandling: { mode: "divert", actOnStatusCodes: ["500"], actOnTimeout: true }, retryStrategy: "none" }) }));
    const { event } = await open.simulator.emit("policy.issue", { data: { policyLocator: "1" } });
    // The timeline reads the journal in place: a poll never copies it (up to 100,000 attempts).
    const copies = vi.spyOn(open.simulator, "deliveries");
    onTestFinished(() => copies.mockRestore());
    const timeline = (await (await fetch(`${open.consoleUrl}/api/timeline?webhook=w`)).json()) as { entries: { eventId: string }[]; matched: number; newest: number; journal: string };
    expect(timeline.entries.map((e) => e.eventId)).toEqual([event.id]);
    expect((await (await fetch(`${open.consoleUrl}/api/timeline?since=${timeline.newest}&journal=${timeline.journal}`)).json()) as object).toMatchObject({ unchanged: true });
    // Another simulator (this one restarted) with as many attempts is not "unchanged" to the page.
    expect(copies).not.toHaveBeenCalled();
    expect(((await (await fetch(`${guarded.consoleUrl}/api/timeline?since=0&journal=${timeline.journal}`, { headers: { authorization: "s3cret" } })).json()) as { unchanged: boolean }).unchanged).toBe(false);
    const sent = (await (await fetch(`${open.consoleUrl}/api/body?eventId=${encodeURIComponent(event.id)}`)).json()) as { body: string };
    expect(JSON.parse(sent.body)).toEqual(event);
    expect(((await (await fetch(`${open.consoleUrl}/api/body?eventId=__proto__`)).json()) as { body: unknown }).body).toBeNull();
    // How many events each webhook holds diverted, as its own route lists them.
    const held = ((await (await fetch(`${open.url}/webhooks/w/diverted`, { headers: { authorization: "t" } })).json()) as { events: unknown[] }).events.length;
    expect(held).toBe(1);
    expect(await (await fetch(`${open.consoleUrl}/api/diverted-counts`)).json()).toEqual({ webhooks: [{ name: "w", diverted: held }] });
    const meta = (await (await fetch(`${open.consoleUrl}/api/meta`)).json()) as { eventTypes: string[] };
    expect(meta.eventTypes).toHaveLength(100);
    const bad = await fetch(`${open.consoleUrl}/api/timeline?limit=9999`);
    expect([bad.status, ((await bad.json()) as { issues: { path: string }[] }).issues[0]!.path]).toEqual([400, "query parameter limit"]);
    for (const path of ["/api/nothing", "/api/constructor", "/other"]) expect((await fetch(`${open.consoleUrl}${path}`)).status).toBe(404);
  });

  it("check an event against the contract before it is raised, naming each issue", async () => {
    expect(checkEvent({ type: "policy.issue", data: { a: 1 } })).toEqual([]);
    const issues = checkEvent({ type: "policy.nope", data: [1], transactionId: "" });
    expect(issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(["/type", "/data"]));
    expect(checkEvent(null)).toEqual([{ path: "", rule: "type", message: "must be an object with `type` and `data`" }]);
    const answer = await fetch(`${open.consoleUrl}/api/check`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ type: "policy.issue", data: "text" }) });
    expect(((await answer.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toContain("/data");
    const broken = await fetch(`${open.consoleUrl}/api/check`, { method: "POST", body: "{" });
    expect(broken.status).toBe(400);
  });

  it("are built from the page's source as committed (run `npm run build` if not)", async () => {
    expect(await readFile(CONSOLE_MODULE, "utf8")).toBe(await consolePageModule());
  });
});
